import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FakeTelnyx, company, makeApp, tempDb, texml } from './harness.js';
import { importStudio } from '../../engine/import/studio/index.js';
import { dismissNote } from '../../engine/import-notes.js';

const fake = new FakeTelnyx();
const db = tempDb();
let h: ReturnType<typeof makeApp>;
let acme: Awaited<ReturnType<typeof company>>;
beforeAll(async () => { await fake.start(); h = makeApp(db.file, fake); acme = await company(h.app, 'Acme'); });
afterAll(async () => { await h.close(); await fake.stop(); db.cleanup(); });

const studio = (file: string) => {
  const r = importStudio(JSON.parse(readFileSync(`fixtures/studio/${file}`, 'utf8')));
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.flow;
};

describe('an imported Studio flow on the server', () => {
  it('publishes and answers a real TeXML call: the menu, then press 1 puts the caller through to sales', async () => {
    await request(h.app).post('/api/flows').set(acme.auth).send(studio('main-ivr.json')).expect(201);
    await request(h.app).post('/api/flows/acme-main-ivr/publish').set(acme.auth).expect(201);
    await request(h.app).put(`/api/numbers/${encodeURIComponent('+13125550100')}`).set(acme.auth).send({ flowId: 'acme-main-ivr', mode: 'texml' }).expect(200);
    const first = await texml(h.app, '/webhooks/texml', { CallSid: 'studio-1', From: '+13125550199', To: '+13125550100' }).expect(200);
    expect(first.text).toContain('Thanks for calling Acme.');
    const action = /<Gather[^>]*action="[^"]*\/webhooks\/texml\/([^"]+)"/.exec(first.text)?.[1];
    expect(action).toBeDefined();
    const next = await texml(h.app, `/webhooks/texml/${action}`, { CallSid: 'studio-1', Digits: '1' }).expect(200);
    expect(next.text).toMatch(/<Dial[^>]*>.*<Number>\+13125550101<\/Number>/s);
  });

  it('an import with error notes cannot be published until they are dismissed (or the steps replaced)', async () => {
    const flow = studio('support-queue.json');
    await request(h.app).post('/api/flows').set(acme.auth).send(flow).expect(201);
    const refused = await request(h.app).post('/api/flows/support-queue/publish').set(acme.auth).expect(422);
    expect(refused.body.error.findings.filter((f: { severity: string }) => f.severity === 'error').map((f: { code: string; node: string }) => `${f.code} ${f.node}`))
      .toEqual(['studio.unmapped queue', 'studio.unmapped flex', 'studio.unmapped pay', 'studio.unmapped app_client']);
    let dismissed = flow;
    for (let i = flow.import!.notes!.length - 1; i >= 0; i--) if (flow.import!.notes![i]!.severity === 'error') dismissed = dismissNote(dismissed, i);
    await request(h.app).put('/api/flows/support-queue').set(acme.auth).send({ revision: 1, flow: dismissed }).expect(200);
    await request(h.app).post('/api/flows/support-queue/publish').set(acme.auth).expect(201);
    const saved = await request(h.app).get('/api/flows/support-queue').set(acme.auth).expect(200);
    expect(saved.body.flow.import).toBeUndefined();
  });
});
