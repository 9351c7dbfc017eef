import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { callOutcome, OUTCOME_SQL } from './call-outcome.js';

/** The history's SQL and the TypeScript rule the alerts use give every call the same outcome. */
const CASES: { name: string; direction: string; ended: boolean; answered?: boolean; path: string[]; mailboxes?: (string | null)[] }[] = [
  { name: 'live', direction: 'inbound', ended: false, path: ['>menu'] },
  { name: 'transfer connected', direction: 'inbound', ended: true, path: ['>desk', 'desk.connected', '>bye', 'end:hangup@bye'] },
  { name: 'connected, then a later transfer failed', direction: 'inbound', ended: true, path: ['>desk', 'desk.connected', '>b', 'b.failed', 'end:hangup@bye'] },
  { name: 'voicemail kept', direction: 'inbound', ended: true, path: ['>vm', 'vm.next', 'end:hangup@bye'], mailboxes: ['sales'] },
  { name: 'voicemail kept then deleted (still kept once)', direction: 'inbound', ended: true, path: ['>vm', 'end:caller-hangup'], mailboxes: ['sales'] },
  { name: 'message not kept (voicemail off)', direction: 'inbound', ended: true, path: ['>vm', 'vm.next', 'end:hangup@bye'], mailboxes: [null] },
  { name: 'empty message', direction: 'inbound', ended: true, path: ['>vm', 'vm.noRecording', 'end:hangup@bye'] },
  { name: 'hung up in menu', direction: 'inbound', ended: true, path: ['>menu', 'end:caller-hangup'] },
  { name: 'rejected by a block list', direction: 'inbound', ended: true, path: ['>block', 'end:rejected@block'] },
  { name: 'rejected after silent steps', direction: 'inbound', ended: true, path: ['>hours', 'hours.open', '>block', 'end:rejected@block'] },
  { name: 'not on the block list, then missed', direction: 'inbound', ended: true, path: ['>block', 'block.next', '>menu', 'end:caller-hangup'] },
  { name: 'outbound answered', direction: 'outbound', ended: true, answered: true, path: [] },
  { name: 'outbound unanswered', direction: 'outbound', ended: true, path: [] },
];

describe('call outcome: the SQL and the TypeScript rule agree', () => {
  it.each(CASES)('$name', (k) => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE call_log (call_id TEXT, direction TEXT, ended_at TEXT, answered_at TEXT, path TEXT); CREATE TABLE voicemails (call_id TEXT, mailbox TEXT)');
    const at = '2026-12-04T10:00:00Z';
    db.prepare('INSERT INTO call_log VALUES (?, ?, ?, ?, ?)').run('c', k.direction, k.ended ? at : null, k.answered ? at : null, k.path.join('\n'));
    for (const m of k.mailboxes ?? []) db.prepare('INSERT INTO voicemails VALUES (?, ?)').run('c', m);
    const sql = (db.prepare(`SELECT ${OUTCOME_SQL} AS o FROM call_log c`).get() as { o: string }).o;
    const ts = callOutcome({ direction: k.direction, endedAt: k.ended ? at : null, answeredAt: k.answered ? at : null, path: k.path }, (k.mailboxes ?? []).map((mailbox) => ({ mailbox })));
    expect(ts).toBe(sql);
    if (k.name.startsWith('rejected')) expect(ts).toBe('rejected');
    if (k.name.startsWith('not on the block list')) expect(ts).toBe('missed');
  });
});
