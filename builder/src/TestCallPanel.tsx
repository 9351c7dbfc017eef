import { useEffect, useRef, useState } from 'react';
import { api } from './api.js';
import { Loading, useToast } from './ui.js';

interface Summary { callId: string; mode: string; transcript: Array<{ at: number | string; kind: string; text: string }>; ended: { by: string; reason: string } | null }
interface NumberRow { e164: string; flowId: string | null; mode: 'texml' | 'call-control' }
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A sandbox test call against the published flow: routes the number to this
 * flow (PUT /api/numbers/:e164), places the call (POST /sandbox/calls) and,
 * while it runs, polls GET /sandbox/calls/:id so the transcript grows live.
 */
export function TestCallPanel({ flowId, published }: { flowId: string; published: number | null }) {
  const [numbers, setNumbers] = useState<NumberRow[] | null>(null);
  const [to, setTo] = useState('');
  const [from, setFrom] = useState('+13125550100');
  const [mode, setMode] = useState<'texml' | 'call-control'>('texml');
  const [digits, setDigits] = useState('');
  const [speech, setSpeech] = useState('');
  const [callee, setCallee] = useState('');
  const [busy, setBusy] = useState('');
  const [result, setResult] = useState<Summary | null>(null);
  const [error, setError] = useState('');
  const alive = useRef(true);
  const toast = useToast();
  // Set in the effect body too: StrictMode runs effects twice, and a ref set only on cleanup stays false.
  useEffect(() => { alive.current = true; return () => { alive.current = false; }; }, []);
  useEffect(() => {
    api<{ numbers: NumberRow[] }>('GET', '/api/numbers').then((r) => {
      setNumbers(r.numbers);
      const mine = r.numbers.find((n) => n.flowId === flowId) ?? r.numbers[0];
      if (mine) { setTo(mine.e164); setMode(mine.mode); }
    }, () => setNumbers([]));
  }, [flowId]);

  async function call() {
    setError(''); setResult(null);
    try {
      setBusy(`Routing ${to} to this flow`);
      await api('PUT', `/api/numbers/${encodeURIComponent(to)}`, { flowId, mode });
      const before = new Set((await api<{ data: Array<{ callId: string }> }>('GET', '/sandbox/calls')).data.map((c) => c.callId));
      setBusy('Calling');
      let done = false;
      const placed = api<Summary>('POST', '/sandbox/calls', { to, from, mode, digits: list(digits), speech: list(speech), callee: list(callee) }).finally(() => { done = true; });
      // Follow the call while it runs: find it among the sandbox's calls, then poll it.
      void (async () => {
        let id: string | undefined;
        while (!done && alive.current) {
          await sleep(300);
          if (!id) id = (await api<{ data: Array<{ callId: string; to: string }> }>('GET', '/sandbox/calls').catch(() => ({ data: [] }))).data.find((c) => !before.has(c.callId) && c.to === to)?.callId;
          if (id && !done) { const s = await api<Summary>('GET', `/sandbox/calls/${id}`).catch(() => null); if (s && !done && alive.current) setResult(s); }
        }
      })();
      const final = await placed;
      if (alive.current) setResult(final);
    } catch (e) {
      setError((e as Error).message); toast('error', `Test call failed: ${(e as Error).message}`);
    } finally { setBusy(''); }
  }

  return (
    <div className="testcall" data-testid="testcall">
      {!published && <div className="banner warn">Publish first: a test call runs the published version.</div>}
      <p className="muted">Calls the offline Telnyx sandbox: no phone and no charges. The number is pointed at this flow first.</p>
      <div className="grid2">
        <label className="field"><span>Number to call</span>
          <input name="tc-to" list="tc-numbers" value={to} placeholder="+13125550100" onChange={(e) => setTo(e.target.value)} />
          <datalist id="tc-numbers">{(numbers ?? []).map((n) => <option key={n.e164} value={n.e164}>{n.flowId ? `now: ${n.flowId}` : 'not routed'}</option>)}</datalist>
        </label>
        <label className="field"><span>Caller</span><input name="tc-from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label className="field"><span>Mode</span><select name="tc-mode" value={mode} onChange={(e) => setMode(e.target.value as 'texml')}><option value="texml">TeXML</option><option value="call-control">Call Control</option></select></label>
        <label className="field"><span>Keys pressed, in order</span><input name="tc-digits" placeholder="1, 42#" value={digits} onChange={(e) => setDigits(e.target.value)} /></label>
        <label className="field"><span>Things said, in order</span><input name="tc-speech" placeholder="sales" value={speech} onChange={(e) => setSpeech(e.target.value)} /></label>
        <label className="field"><span>Callee answers</span><input name="tc-callee" placeholder="no-answer, answer" value={callee} onChange={(e) => setCallee(e.target.value)} /></label>
      </div>
      {numbers !== null && numbers.length === 0 && <div className="muted">No numbers on this account yet: type one you own.</div>}
      <button className="primary" disabled={!!busy || !published || !/^\+[1-9]\d{6,14}$/.test(to)} onClick={() => void call()}>Place test call</button>
      {busy && <Loading what={busy} />}
      {error && <div className="error" role="alert">{error}</div>}
      {result && (
        <div data-testid="testcall-transcript">
          <p className="muted">Call {result.callId} ({result.mode}) {result.ended ? `ended by ${result.ended.by}: ${result.ended.reason}` : 'in progress…'}</p>
          <ol className="transcript">
            {result.transcript.map((t, i) => <li key={i}><span className="muted">{typeof t.at === 'number' ? `${t.at.toFixed(1)}s` : String(t.at).slice(11, 19)}</span> <strong>{t.kind}</strong> {t.text}</li>)}
          </ol>
        </div>
      )}
    </div>
  );
}
