import { describe, expect, it } from 'vitest';
import { openRequest } from './open-url.js';

const ORIGIN = 'http://127.0.0.1:3000';
const open = (v: string) => openRequest(`?open=${encodeURIComponent(v)}`, ORIGIN);

describe('?open= loads same-origin flow files only', () => {
  it('opens a path or a full URL on this server', () => {
    expect(open('/bench-flow.json')).toEqual({ url: 'http://127.0.0.1:3000/bench-flow.json' });
    expect(open('flows/x.json')).toEqual({ url: 'http://127.0.0.1:3000/flows/x.json' });
    expect(open('http://127.0.0.1:3000/f.json?v=2')).toEqual({ url: 'http://127.0.0.1:3000/f.json?v=2' });
  });

  it('refuses anything elsewhere, with a message that says why', () => {
    for (const bad of ['https://evil.example/flow.json', '//evil.example/flow.json', 'http://127.0.0.1:3001/f.json', 'https://127.0.0.1:3000/f.json',
      'javascript:alert(1)', 'data:application/json,{}', `blob:${ORIGIN}/5f1c`, 'http://127.0.0.1:3000@evil.example/f.json']) {
      const r = open(bad);
      expect(r, bad).toHaveProperty('refused');
      expect((r as { refused: string }).refused, bad).toMatch(/Not opened/);
    }
  });

  it('no ?open= (or an empty one) is no request', () => {
    expect(openRequest('', ORIGIN)).toBeUndefined();
    expect(openRequest('?open=', ORIGIN)).toBeUndefined();
  });
});
