/**
 * The line the call history tests ring (test/business/call-history.test.ts, builder/e2e/calls.e2e.test.ts): each
 * outcome is one script away (1 + answer: answered; 2 + a message: voicemail; 1 + no-answer: missed).
 *
 *   menu ─1→ desk(transfer +13125550111) ─connected→ bye
 *     │                                  └noAnswer/busy/failed→ bye
 *     ├2→ vm(voicemail) ─next/noRecording→ bye
 *     └timeout/invalid→ bye(hangup)
 */
export const DESK_LINE = {
  format: 'callflow/1', id: 'line', name: 'Line', timezone: 'America/Chicago', start: 'menu',
  nodes: [
    { id: 'menu', type: 'menu', position: { x: 0, y: 0 }, data: { prompt: { text: 'Press 1 for the desk, 2 to leave a message.' }, options: { 1: 'Desk', 2: 'Message' }, maxRetries: 0 } },
    { id: 'desk', type: 'transfer', position: { x: 0, y: 100 }, data: { to: '+13125550111', ringSeconds: 10 } },
    { id: 'vm', type: 'voicemail', position: { x: 200, y: 100 }, data: { greeting: { text: 'Leave a message.' }, maxSeconds: 30 } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 200 }, data: {} },
  ],
  edges: [
    { id: 'm1', source: 'menu', sourceHandle: '1', target: 'desk' }, { id: 'm2', source: 'menu', sourceHandle: '2', target: 'vm' },
    { id: 'mt', source: 'menu', sourceHandle: 'timeout', target: 'bye' }, { id: 'mi', source: 'menu', sourceHandle: 'invalid', target: 'bye' },
    { id: 'dc', source: 'desk', sourceHandle: 'connected', target: 'bye' }, { id: 'dn', source: 'desk', sourceHandle: 'noAnswer', target: 'bye' },
    { id: 'db', source: 'desk', sourceHandle: 'busy', target: 'bye' }, { id: 'df', source: 'desk', sourceHandle: 'failed', target: 'bye' },
    { id: 'vn', source: 'vm', sourceHandle: 'next', target: 'bye' }, { id: 'vr', source: 'vm', sourceHandle: 'noRecording', target: 'bye' },
  ],
};
