import { parseFlow } from '../../engine/schema.js';

/** Flows the builder's unit tests share (sim.test.ts, replay.test.ts). */

/**
 * Business hours, then a one-key menu:
 *
 *  hours(businessHours) --open--> menu --1--> sales(say) --next--> bye(hangup)
 *                       --closed--> closed(say) --next--> bye
 */
export const HOURS_MENU = parseFlow({
  format: 'callflow/1', id: 'sim', name: 'Sim', timezone: 'America/Chicago', start: 'hours',
  nodes: [
    { id: 'hours', type: 'businessHours', position: { x: 0, y: 0 }, data: { weekly: { mon: [{ open: '09:00', close: '17:00' }] } } },
    { id: 'menu', type: 'menu', position: { x: 0, y: 0 }, data: { prompt: { text: 'Press 1 for sales' }, options: { '1': 'Sales' } } },
    { id: 'sales', type: 'say', position: { x: 0, y: 0 }, data: { text: 'Connecting you to {{company.name}} sales' } },
    { id: 'closed', type: 'say', position: { x: 0, y: 0 }, data: { text: 'We are closed' } },
    { id: 'bye', type: 'hangup', position: { x: 0, y: 0 }, data: {} },
  ],
  edges: [
    { id: 'hours-open', source: 'hours', sourceHandle: 'open', target: 'menu' },
    { id: 'hours-closed', source: 'hours', sourceHandle: 'closed', target: 'closed' },
    { id: 'menu-1', source: 'menu', sourceHandle: '1', target: 'sales' },
    { id: 'sales-next', source: 'sales', sourceHandle: 'next', target: 'bye' },
    { id: 'closed-next', source: 'closed', sourceHandle: 'next', target: 'bye' },
  ],
});
