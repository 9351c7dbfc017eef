import { useState } from 'react';
import type { EngineEvent } from '../../engine/types.js';

/**
 * The simulator's answer to an httpRequest node (engine/nodes/http-request.ts): what the web service answers,
 * as the server would bring it (`http.ended`). A status and a body (its JSON fields fill the node's variables),
 * no answer in time, or no answer at all (a refused address, no connection).
 */
export function HttpAnswer({ onSend }: { onSend: (e: EngineEvent) => void }) {
  const [status, setStatus] = useState('200');
  const [body, setBody] = useState('{}');
  const code = Number(status);
  const valid = Number.isInteger(code) && code >= 100 && code <= 599;
  return (
    <div className="http-answer" data-testid="sim-http">
      <div className="row">
        <label className="field"><span>Status</span><input name="sim-http-status" inputMode="numeric" value={status} onChange={(e) => setStatus(e.target.value)} /></label>
        <button data-testid="sim-http-send" disabled={!valid} onClick={() => onSend({ type: 'http.ended', result: { status: code, body } })}>Answer</button>
      </div>
      <label className="field"><span>Body (JSON)</span><textarea name="sim-http-body" rows={3} value={body} onChange={(e) => setBody(e.target.value)} /></label>
      <div className="row wrap">
        <button data-testid="sim-http-timeout" onClick={() => onSend({ type: 'http.ended', result: { timeout: true } })}>No answer in time</button>
        <button onClick={() => onSend({ type: 'http.ended', result: { error: 'no connection (simulated)' } })}>Unreachable</button>
      </div>
    </div>
  );
}
