/**
 * Response headers that keep the builder page from being framed (clickjacking),
 * from loading script or data from anywhere but this server, and keep browsers
 * from guessing content types. The builder holds an API key in localStorage:
 * a page that could run foreign script, or be framed by another site, would
 * hand it over.
 */
import type { RequestHandler } from 'express';

/**
 * The one inline stylesheet the builder allows: the `<style>` wavesurfer.js (8.0.1, height 72, no nonce) puts in
 * its waveform's shadow root for the voicemail player. Chromium names the hash it expects in the CSP error; the
 * voicemail e2e test fails on that error, so an upgrade that changes the sheet is caught there.
 */
export const WAVESURFER_STYLE_HASH = "'sha256-XGW/cX2BkTPWNNT3NdyASrPEWZfPnKdPJaJ2aN7R+v8='";

/**
 * The builder's Content-Security-Policy. Script, styles, fetches and workers only
 * from this origin; `data:` images for the inline favicon; `blob:` for the flow
 * export download. React and React Flow set styles through the DOM's style
 * properties, which style-src does not govern, so no 'unsafe-inline' is needed.
 */
export const BUILDER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${WAVESURFER_STYLE_HASH}`,
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self' blob:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const BUILDER_HEADERS: Record<string, string> = {
  'Content-Security-Policy': BUILDER_CSP,
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Sets the builder's headers on a response: CSP (frame-ancestors 'none'), X-Frame-Options for older browsers, nosniff, no referrer. */
export function setBuilderHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  for (const [k, v] of Object.entries(BUILDER_HEADERS)) res.setHeader(k, v);
}

/** nosniff alone, for the API: its JSON and audio are never to be read as another type. */
export const noSniff: RequestHandler = (_req, res, next) => {
  res.set('X-Content-Type-Options', 'nosniff');
  next();
};
