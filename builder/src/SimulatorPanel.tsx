import { useEffect, useMemo, useState } from 'react';
import { DateTime } from 'luxon';
import { flowSchema } from '../../engine/schema.js';
import { currentNode } from '../../engine/step.js';
import type { AmdEnv, EngineEvent, Env, Mode } from '../../engine/types.js';
import { toFlow, type Doc } from './graph.js';
import { amdAtStart, describeEvent, describeInstruction, ownChoices, pathOf, simulate, SIM_START, waitingFor, type SimState } from './sim.js';
import type { Highlight } from './SidePanel.js';
import { ReplayBanner, useReplay } from './ReplayBanner.js';
import { HttpAnswer } from './HttpAnswer.js';
import { HTTP_VERB } from '../../engine/nodes/http-request.js';
import { scheduleEnvs, useSchedules } from './schedules.js';
import { useSubflows } from './subflows.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const ZONES = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? ['UTC'];

/**
 * The in-browser simulator: the engine's pure `step` runs here, with any
 * date, time, zone, caller and mode; no phone and no server needed.
 */
export function SimulatorPanel({ doc, onHighlight, onFocus }: { doc: Doc; onHighlight: (h: Highlight) => void; onFocus: (id: string) => void }) {
  const tz = doc.header.timezone || 'UTC';
  const [date, setDate] = useState(() => DateTime.now().setZone(tz).toISODate()!);
  const [time, setTime] = useState(() => DateTime.now().setZone(tz).toFormat('HH:mm'));
  const [zone, setZone] = useState(tz);
  const [from, setFrom] = useState('+13125550100');
  const [to, setTo] = useState('+13125550199');
  const [mode, setMode] = useState<Mode>('texml');
  const [digits, setDigits] = useState('');
  const [speech, setSpeech] = useState('');
  const [text, setText] = useState('');
  const [sim, setSim] = useState<SimState>(SIM_START);
  // An outbound call (POST /api/calls with flowId): who answers, and what detection has said so far.
  const [direction, setDirection] = useState<'inbound' | 'outbound'>('inbound');
  const [answerer, setAnswerer] = useState<'human' | 'machine' | 'not_sure'>('human');
  const [amd, setAmd] = useState<AmdEnv | undefined>(undefined);
  const [error, setError] = useState('');

  // The flows its subflow steps run, as published now (what a publish embeds): the draft's subflows run as on a call.
  const subflows = useSubflows(doc.nodes);
  const parsed = useMemo(() => flowSchema.safeParse(subflows && Object.keys(subflows).length ? { ...toFlow(doc), subflows } : toFlow(doc)), [doc.header, doc.nodes, doc.edges, subflows]);
  const now = DateTime.fromISO(`${date}T${time}`, { zone });
  // An SMS flow ("channel": "sms") runs as a text conversation (engine/README.md "Text conversations"): mode sms.
  const sms = doc.header.channel === 'sms';
  // The company's shared schedules as the server has them now: a node following one routes as a call would.
  const { schedules } = useSchedules();
  const env: Env = { now: now.isValid ? now.toISO()! : new Date(0).toISOString(), mode: sms ? 'sms' : mode, company: { name: 'Acme' }, schedules: scheduleEnvs(schedules), ...(amd ? { amd } : {}) };
  const waits = waitingFor(sim);
  const active = currentNode(sim.snapshot);

  // Which node is of which kind (for the engine's fallbacks), changed only when that does: not on every drag.
  const shape = doc.nodes.map((n) => `${n.id}\u0000${n.type}`).join('\n');
  const kinds = useMemo(() => doc.nodes.map((n) => ({ id: n.id, type: n.type })), [shape]);

  useEffect(() => {
    const p = pathOf(sim.steps, { nodes: kinds, edges: doc.edges });
    onHighlight(sim.steps.length ? { active, path: p.nodes, edges: p.edges } : { path: [] });
  }, [sim, active, kinds, doc.edges, onHighlight]);

  function send(event: EngineEvent) {
    if (!parsed.success) return;
    try { setSim((s) => simulate(parsed.data, s, event, env)); setError(''); }
    catch (e) { setError(`The engine failed: ${(e as Error).message}`); }
  }
  const start = () => {
    if (!parsed.success) return;
    const out = direction === 'outbound';
    const startAmd = out ? amdAtStart(mode, answerer) : undefined;
    setAmd(startAmd);
    const { amd: _none, ...base } = env;
    try { setSim(simulate(parsed.data, SIM_START, { type: 'call.started', from, to, callId: 'sim-call', direction, ...(out ? { vars: {} } : {}) }, { ...base, ...(startAmd ? { amd: startAmd } : {}) })); setError(''); }
    catch (e) { setError(`The engine failed: ${(e as Error).message}`); }
  };
  const detected = () => { send({ type: 'amd.ended', result: answerer }); setAmd((a) => a && { ...a, result: answerer }); };
  const greeted = () => { send({ type: 'amd.greeting.ended', result: 'beep_detected' }); setAmd((a) => a && { ...a, greeting: 'beep_detected' }); };
  const press = (k: string) => {
    const next = digits + k;
    const last = sim.steps.at(-1)?.instructions.find((i) => i.verb === 'gather');
    // A one-key menu acts on the key at once, as a phone does; longer entries wait for Send.
    if (last && last.verb === 'gather' && (last.numDigits ?? 1) <= next.length) { send({ type: 'input.digits', digits: next }); setDigits(''); }
    else setDigits(next);
  };
  // A text: answers the waitForReply, or (nothing waiting) starts a new run below the transcript so far.
  const sendText = () => {
    if (!parsed.success || !text.trim()) return;
    const event: EngineEvent = { type: 'message.received', from, to, text: text.trim(), conversationId: 'sim-conversation' };
    try { setSim((s) => simulate(parsed.data, s.waiting ? s : { ...s, snapshot: null }, event, env)); setError(''); setText(''); }
    catch (e) { setError(`The engine failed: ${(e as Error).message}`); }
  };
  const firstIssue = !parsed.success ? parsed.error.issues[0] : undefined;
  // `?replay=<callId>`: the recorded call, replayed once into this panel (ReplayBanner.tsx).
  const replay = useReplay(parsed.success ? parsed.data : null);
  const replayed = 'result' in replay ? replay.result : undefined;
  useEffect(() => {
    if (!replayed || !('script' in replay) || !replay.script) return;
    const at = DateTime.fromISO(replay.script.startedAt).setZone(zone);
    setMode(replayed.mode); setDate(at.toISODate()!); setTime(at.toFormat('HH:mm'));
    if (replay.script.from) setFrom(replay.script.from);
    if (replay.script.to) setTo(replay.script.to);
    setSim(replayed.sim);
  }, [replayed]);

  return (
    <div className="simulator" data-testid="simulator">
      <ReplayBanner state={replay} />
      <div className="grid2">
        <label className="field"><span>Date</span><input type="date" name="sim-date" value={date} onChange={(e) => setDate(e.target.value)} /></label>
        <label className="field"><span>Time</span><input type="time" name="sim-time" value={time} onChange={(e) => setTime(e.target.value)} /></label>
        <label className="field"><span>Time zone</span>
          <select name="sim-zone" value={zone} onChange={(e) => setZone(e.target.value)}>{[...new Set([tz, 'UTC', ...ZONES])].map((z) => <option key={z}>{z}</option>)}</select>
        </label>
        {!sms && <label className="field"><span>Mode</span>
          <select name="sim-mode" value={mode} onChange={(e) => setMode(e.target.value as Mode)}><option value="texml">TeXML</option><option value="call-control">Call Control</option></select>
        </label>}
        {!sms && <label className="field"><span>Call</span>
          <select name="sim-direction" value={direction} onChange={(e) => setDirection(e.target.value as 'inbound' | 'outbound')}><option value="inbound">Inbound</option><option value="outbound">Outbound (the flow dials)</option></select>
        </label>}
        {!sms && direction === 'outbound' && <label className="field"><span>Answered by</span>
          <select name="sim-answerer" value={answerer} onChange={(e) => setAnswerer(e.target.value as 'human' | 'machine' | 'not_sure')}><option value="human">A person</option><option value="machine">An answering machine</option><option value="not_sure">Detection cannot tell</option></select>
        </label>}
        <label className="field"><span>{sms ? 'Texter' : 'Caller'}</span><input name="sim-from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label className="field"><span>{sms ? 'Texted number' : 'Called number'}</span><input name="sim-to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
      </div>
      <div className="muted">{now.isValid ? now.toFormat("cccc d LLL yyyy, HH:mm ZZZZ") : 'Pick a valid date and time'}</div>
      {firstIssue && <div className="error" role="alert">Fix the flow before simulating: {firstIssue.message} (at {firstIssue.path.join('.')})</div>}
      {sms && (
        <div className="row">
          <form className="row grow" onSubmit={(e) => { e.preventDefault(); sendText(); }}>
            <input aria-label="Texter sends" data-testid="sim-text" placeholder="the texter sends…" value={text} onChange={(e) => setText(e.target.value)} />
            <button className="primary" data-testid="sim-send-text" disabled={!parsed.success || !now.isValid || !text.trim()}>Send text</button>
          </form>
          {waits === 'reply.await' && <button data-testid="sim-no-reply" onClick={() => send({ type: 'input.timeout' })} title="The texter does not answer before the wait times out">No reply</button>}
          {sim.steps.length > 0 && <button onClick={() => setSim(SIM_START)}>Reset</button>}
          {sim.steps.length > 0 && <span className={`badge ${sim.waiting ? 'ok' : ''}`} data-testid="sim-status">{sim.waiting ? `waiting in ${active} for a reply` : 'conversation ended'}</span>}
        </div>
      )}
      {!sms && <div className="row">
        <button className="primary" data-testid="sim-start" disabled={!parsed.success || !now.isValid || !subflows} title={subflows ? undefined : 'Loading the flows its subflow steps run…'} onClick={start}>{sim.steps.length ? 'Restart call' : 'Start call'}</button>
        {sim.steps.length > 0 && <button onClick={() => setSim(SIM_START)}>Reset</button>}
        <span className="grow" />
        {sim.steps.length > 0 && <span className={`badge ${sim.waiting ? 'ok' : ''}`} data-testid="sim-status">{sim.waiting ? `waiting in ${active}${waits ? ` (${waits})` : ''}` : 'call ended'}</span>}
      </div>}
      {sim.waiting && !sms && (
        <div className="phone">
          <div className="keypad" aria-label="Keypad">
            {KEYS.map((k) => <button key={k} data-testid={`key-${k}`} onClick={() => press(k)}>{k}</button>)}
          </div>
          <div className="phone-side">
            <div className="row"><input aria-label="Digits" value={digits} readOnly placeholder="digits" /><button disabled={!digits} onClick={() => { send({ type: 'input.digits', digits }); setDigits(''); }}>Send</button></div>
            <form className="row" onSubmit={(e) => { e.preventDefault(); if (speech.trim()) { send({ type: 'input.speech', text: speech.trim(), confidence: 0.9 }); setSpeech(''); } }}>
              <input aria-label="Caller says" placeholder="caller says…" value={speech} onChange={(e) => setSpeech(e.target.value)} /><button disabled={!speech.trim()}>Say</button>
            </form>
            <div className="row wrap">
              <button onClick={() => send({ type: 'input.timeout' })} title="The caller says and presses nothing">Silence</button>
              {amd && amd.result === null && <button data-testid="sim-amd" onClick={detected}>Detection: {answerer}</button>}
              {amd && amd.result?.startsWith('machine') && amd.greeting === null && <button data-testid="sim-greeting" onClick={greeted}>Greeting ended (beep)</button>}
              {waits === 'dial' && <>
                <button onClick={() => send({ type: 'dial.ended', status: 'connected', seconds: 60 })}>Answered</button>
                <button onClick={() => send({ type: 'dial.ended', status: 'no-answer' })}>No answer</button>
                <button onClick={() => send({ type: 'dial.ended', status: 'busy' })}>Busy</button>
                <button onClick={() => send({ type: 'dial.ended', status: 'failed' })}>Failed</button>
              </>}
              {waits === 'record' && <>
                <button onClick={() => send({ type: 'recording.saved', url: 'https://example.invalid/recording.mp3', seconds: 12 })}>Leave a message</button>
                <button onClick={() => send({ type: 'recording.empty' })}>No message</button>
              </>}
              {waits === HTTP_VERB && <HttpAnswer onSend={send} />}
              {(waits === 'say' || waits === 'play') && <button data-testid="sim-prompt-ended" onClick={() => send({ type: 'prompt.ended' })}>Prompt finished</button>}
              {ownChoices(sim).map((c) => <button key={c.label} onClick={() => send(c.event)}>{c.label}</button>)}
              <button className="danger" onClick={() => send({ type: 'call.ended', cause: 'caller-hangup' })}>Hang up</button>
            </div>
          </div>
        </div>
      )}
      {error && <div className="error" role="alert">{error}</div>}
      {sim.steps.length === 0 ? <div className="empty small">{sms ? 'Pick a date and time and send a text as the texter would. The path lights up on the canvas.' : 'Pick a date and time and start a call. The path lights up on the canvas.'}</div> : (
        <ol className="transcript" data-testid="transcript">
          {sim.steps.map((s, i) => (
            <li key={i}>
              <div className="ev">{describeEvent(s.event)}</div>
              {s.instructions.map((ins, j) => <div key={j} className="ins"><button className="link" onClick={() => onFocus(ins.node)}>{ins.node}</button> {describeInstruction(ins)}</div>)}
              {s.trace.filter((t) => t.kind === 'ended').map((t, j) => <div key={`e${j}`} className="ins muted">{s.mode === 'sms' ? 'conversation' : 'call'} ended: {t.kind === 'ended' ? t.reason : ''}</div>)}
              {s.mode !== 'sms' && <details><summary>{s.mode === 'texml' ? 'TeXML' : 'Commands'}</summary><pre>{s.wire}</pre></details>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
