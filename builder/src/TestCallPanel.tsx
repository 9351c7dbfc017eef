import { useState } from 'react';
import { api } from './api.js';
import { Loading, useToast } from './ui.js';

interface Result { callId: string; mode: string; transcript: Array<{ at: string; kind: string; text: string }>; ended: { by: string; reason: string } }
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/**
 * A sandbox test call against the published flow: routes the number to this
 * flow (PUT /api/numbers/:e164), then places the call (POST /sandbox/calls).
 */
export function TestCallPanel({ flowId, published }: { flowId: string; published: number | null }) {
  const [to, setTo] = useState('+13125550199');
  const [from, setFrom] = useState('+13125550100');
  const [mode, setMode] = useState<'texml' | 'call-control'>('texml');
  const [digits, setDigits] = useState('');
  const [speech, setSpeech] = useState('');
  const [callee, setCallee] = useState('');
  const [busy, setBusy] = useState('');
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState('');
  const toast = useToast();

  async function call() {
    setError(''); setResult(null);
    try {
      setBusy(`Routing ${to} to this flow…`);
      await api('PUT', `/api/numbers/${encodeURIComponent(to)}`, { flowId, mode });
      setBusy('Calling…');
      setResult(await api<Result>('POST', '/sandbox/calls', { to, from, mode, digits: list(digits), speech: list(speech), callee: list(callee) }));
    } catch (e) {
      setError((e as Error).message); toast('error', `Test call failed: ${(e as Error).message}`);
    } finally { setBusy(''); }
  }

  return (
    <div className="testcall" data-testid="testcall">
      {!published && <div className="banner warn">Publish first: a test call runs the published version.</div>}
      <div className="grid2">
        <label className="field"><span>Number to call (routed to this flow)</span><input name="tc-to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <label className="field"><span>Caller</span><input name="tc-from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label className="field"><span>Mode</span><select value={mode} onChange={(e) => setMode(e.target.value as 'texml')}><option value="texml">TeXML</option><option value="call-control">Call Control</option></select></label>
        <label className="field"><span>Keys pressed, in order</span><input name="tc-digits" placeholder="1, 42#" value={digits} onChange={(e) => setDigits(e.target.value)} /></label>
        <label className="field"><span>Things said, in order</span><input name="tc-speech" placeholder="sales" value={speech} onChange={(e) => setSpeech(e.target.value)} /></label>
        <label className="field"><span>Callee answers</span><input name="tc-callee" placeholder="no-answer, answer" value={callee} onChange={(e) => setCallee(e.target.value)} /></label>
      </div>
      <button className="primary" disabled={!!busy || !published || !/^\+[1-9]\d{6,14}$/.test(to)} onClick={() => void call()}>Place test call</button>
      {busy && <Loading what={busy.replace(/…$/, '')} />}
      {error && <div className="error" role="alert">{error}</div>}
      {result && (
        <div data-testid="testcall-transcript">
          <p className="muted">Call {result.callId} ({result.mode}) ended by {result.ended.by}: {result.ended.reason}</p>
          <ol className="transcript">
            {result.transcript.map((t, i) => <li key={i}><span className="muted">{t.at.slice(11, 19)}</span> <strong>{t.kind}</strong> {t.text}</li>)}
          </ol>
        </div>
      )}
    </div>
  );
}
