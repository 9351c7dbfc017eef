/**
 * Roles enforced by the API for sessions and keys alike (a viewer cannot publish or buy), the last owner kept,
 * invitations (link shown once, accepted once), per-person API keys (never above their person, revocable) and
 * the audit log (who published, rolled back, deleted; admin only; filter and paging).
 */
import { afterEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { makeCompany, makePerson, signIn, startKit, tinyFlow, type Kit } from './kit.js';

let kit: Kit;
afterEach(async () => { await kit?.close(); });

async function team() {
  kit = await startKit();
  const c = await makeCompany(kit.app);
  const people = {
    owner: await makePerson(kit.app, c.id, 'owner@example.com', 'owner'),
    admin: await makePerson(kit.app, c.id, 'admin@example.com', 'admin'),
    editor: await makePerson(kit.app, c.id, 'editor@example.com', 'editor'),
    viewer: await makePerson(kit.app, c.id, 'viewer@example.com', 'viewer'),
  };
  const as = {
    owner: await signIn(kit.app, 'owner@example.com', people.owner.password),
    admin: await signIn(kit.app, 'admin@example.com', people.admin.password),
    editor: await signIn(kit.app, 'editor@example.com', people.editor.password),
    viewer: await signIn(kit.app, 'viewer@example.com', people.viewer.password),
  };
  await request(kit.app).post('/api/flows').set(c.auth).send(tinyFlow('line')).expect(201);
  return { c, people, as };
}

describe('roles', () => {
  it('a viewer reads but cannot publish, roll back, edit, buy, release or route: 403 naming the role needed', async () => {
    const { as } = await team();
    const h = as.viewer.headers;
    await request(kit.app).get('/api/flows').set(h).expect(200);
    await request(kit.app).post('/api/flows/lint').set(h).send(tinyFlow()).expect(200); // lint is a read
    const pub = await request(kit.app).post('/api/flows/line/publish').set(h);
    expect(pub.status).toBe(403);
    expect(pub.body.error).toMatchObject({ code: 'forbidden', need: 'editor', role: 'viewer' });
    expect(pub.body.error.message).toBe('Publishing or rolling back a flow needs the editor role or above; you are a viewer');
    const buy = await request(kit.app).post('/api/numbers').set(h).send({ phoneNumber: '+13125550100' });
    expect(buy.status).toBe(403);
    expect(buy.body.error.need).toBe('admin');
    expect((await request(kit.app).post('/api/flows/line/rollback').set(h).send({ version: 1 })).status).toBe(403);
    expect((await request(kit.app).put('/api/flows/line').set(h).send({ revision: 1, flow: tinyFlow('line') })).status).toBe(403);
    expect((await request(kit.app).delete('/api/numbers/+13125550100').set(h)).status).toBe(403);
    expect((await request(kit.app).put('/api/numbers/+13125550100').set(h).send({ flowId: 'line', mode: 'texml' })).status).toBe(403);
    // Nothing was published.
    expect((await request(kit.app).get('/api/flows/line').set(h)).body.publishedVersion).toBeNull();
  });

  it('an editor publishes and rolls back but cannot buy, route, change the budget or delete a flow', async () => {
    const { as } = await team();
    const h = as.editor.headers;
    await request(kit.app).post('/api/flows/line/publish').set(h).expect(201);
    await request(kit.app).post('/api/flows/line/rollback').set(h).send({ version: 1 }).expect(200);
    for (const [method, path, body] of [
      ['post', '/api/numbers', { phoneNumber: '+13125550100' }], ['put', '/api/numbers/+13125550100', { flowId: 'line', mode: 'texml' }],
      ['put', '/api/usage/budget', { budgetMicros: 1 }], ['delete', '/api/flows/line', undefined], ['post', '/api/invitations', { email: 'x@example.com', role: 'viewer' }],
    ] as const) {
      const res = await (request(kit.app) as any)[method](path).set(h).send(body);
      expect([path, res.status, res.body.error?.need]).toEqual([path, 403, 'admin']);
    }
  });

  it('an admin routes numbers and deletes flows (the role check lets them through to the route)', async () => {
    const { as } = await team();
    const h = as.admin.headers;
    await request(kit.app).put('/api/numbers/+13125550100').set(h).send({ flowId: 'line', mode: 'texml' }).expect(200);
    await request(kit.app).delete('/api/flows/line?force=true').set(h).expect(204);
  });

  it('an API key acts with its person\'s role, or a lower one; never higher', async () => {
    const { as } = await team();
    const viewerKey = (await request(kit.app).post('/api/keys').set(as.viewer.headers).send({ name: 'reports' }).expect(201)).body.key;
    const pub = await request(kit.app).post('/api/flows/line/publish').set({ authorization: `Bearer ${viewerKey}` });
    expect(pub.status).toBe(403);
    expect((await request(kit.app).post('/api/keys').set(as.viewer.headers).send({ role: 'editor' })).status).toBe(403);
    const lowered = (await request(kit.app).post('/api/keys').set(as.owner.headers).send({ role: 'viewer' }).expect(201)).body.key;
    expect((await request(kit.app).post('/api/flows/line/publish').set({ authorization: `Bearer ${lowered}` })).status).toBe(403);
    const me = await request(kit.app).get('/api/me').set({ authorization: `Bearer ${lowered}` }).expect(200);
    expect(me.body).toMatchObject({ role: 'viewer', via: 'key', person: { email: 'owner@example.com' } });
  });

  it('a key from before accounts (of no one) acts as an owner, and GET /api/me keeps its shape', async () => {
    const { c } = await team();
    const me = await request(kit.app).get('/api/me').set(c.auth).expect(200);
    expect(me.body).toEqual({ company: { id: c.id, name: 'Acme' }, person: null, role: 'owner', via: 'key' });
    await request(kit.app).put('/api/numbers/+13125550100').set(c.auth).send({ flowId: 'line', mode: 'texml' }).expect(200);
  });
});

describe('people', () => {
  it('the last owner cannot be demoted or removed; only an owner touches owners', async () => {
    const { people, as } = await team();
    const demote = await request(kit.app).patch(`/api/people/${people.owner.id}`).set(as.owner.headers).send({ role: 'admin' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.reason).toBe('last_owner');
    expect((await request(kit.app).delete(`/api/people/${people.owner.id}`).set(as.owner.headers)).status).toBe(409);
    expect((await request(kit.app).patch(`/api/people/${people.owner.id}`).set(as.admin.headers).send({ role: 'viewer' })).status).toBe(403);
    expect((await request(kit.app).patch(`/api/people/${people.editor.id}`).set(as.admin.headers).send({ role: 'owner' })).status).toBe(403);
    await request(kit.app).patch(`/api/people/${people.admin.id}`).set(as.owner.headers).send({ role: 'owner' }).expect(200);
    await request(kit.app).patch(`/api/people/${people.owner.id}`).set(as.owner.headers).send({ role: 'admin' }).expect(200);
    // Removing a person ends their sessions and revokes their keys.
    const key = (await request(kit.app).post('/api/keys').set(as.editor.headers).send({}).expect(201)).body.key;
    await request(kit.app).delete(`/api/people/${people.editor.id}`).set(as.admin.headers).expect(204);
    expect((await request(kit.app).get('/api/me').set({ cookie: as.editor.cookie })).status).toBe(401);
    expect((await request(kit.app).get('/api/me').set({ authorization: `Bearer ${key}` })).status).toBe(401);
  });

  it('an invitation link is shown once, accepted once, and the new person signs in with the invited role', async () => {
    const { as } = await team();
    const inv = await request(kit.app).post('/api/invitations').set(as.admin.headers).send({ email: 'New@Example.com', role: 'viewer' }).expect(201);
    const token = /#\/accept\/([A-Za-z0-9_-]{43})$/.exec(inv.body.link)?.[1];
    expect(token).toBeTruthy();
    const listed = await request(kit.app).get('/api/invitations').set(as.admin.headers).expect(200);
    expect(listed.body.invitations).toEqual([expect.objectContaining({ email: 'new@example.com', role: 'viewer', invitedBy: 'admin@example.com' })]);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const peek = await request(kit.app).post('/api/invitations/peek').send({ token }).expect(200);
    expect(peek.body).toMatchObject({ email: 'new@example.com', role: 'viewer', company: { name: 'Acme' } });
    await request(kit.app).post('/api/invitations/accept').send({ token, name: 'Nia', password: 'her own password' }).expect(201);
    expect((await request(kit.app).post('/api/invitations/accept').send({ token, name: 'Eve', password: 'another password' })).status).toBe(404);
    const nia = await signIn(kit.app, 'new@example.com', 'her own password');
    const me = await request(kit.app).get('/api/me').set(nia.headers).expect(200);
    expect(me.body.person).toMatchObject({ name: 'Nia', role: 'viewer' });
    expect((await request(kit.app).post('/api/invitations').set(as.admin.headers).send({ email: 'new@example.com', role: 'viewer' })).status).toBe(409);
    expect((await request(kit.app).post('/api/invitations').set(as.admin.headers).send({ email: 'boss@example.com', role: 'owner' })).status).toBe(403);
  });
});

describe('companies stay apart', () => {
  it("another company's admin cannot see or change our people, keys or audit log", async () => {
    const { people, as } = await team();
    await request(kit.app).post('/api/flows/line/publish').set(as.editor.headers).expect(201);
    const ourKey = (await request(kit.app).post('/api/keys').set(as.editor.headers).send({}).expect(201)).body.apiKey.id;
    const other = await makeCompany(kit.app, 'Other');
    await makePerson(kit.app, other.id, 'boss@other.example', 'owner');
    const them = await signIn(kit.app, 'boss@other.example', 'correct horse battery');
    expect((await request(kit.app).get('/api/people').set(them.headers)).body.people.map((p: any) => p.email)).toEqual(['boss@other.example']);
    expect((await request(kit.app).patch(`/api/people/${people.viewer.id}`).set(them.headers).send({ role: 'admin' })).status).toBe(404);
    expect((await request(kit.app).delete(`/api/people/${people.viewer.id}`).set(them.headers)).status).toBe(404);
    expect((await request(kit.app).delete(`/api/keys/${ourKey}`).set(them.headers)).status).toBe(404);
    expect((await request(kit.app).get('/api/audit').set(them.headers)).body.entries).toEqual([]);
  });
});

describe('API keys per person', () => {
  it('the key is shown once; the list shows its prefix and last use; revoked, it is refused on the next request', async () => {
    const { as } = await team();
    const made = await request(kit.app).post('/api/keys').set(as.editor.headers).send({ name: 'deploy script' }).expect(201);
    const key = made.body.key as string;
    expect(key).toMatch(/^cf_/);
    await request(kit.app).get('/api/flows').set({ authorization: `Bearer ${key}` }).expect(200);
    const list = await request(kit.app).get('/api/keys').set(as.editor.headers).expect(200);
    expect(list.body.keys).toEqual([expect.objectContaining({ id: made.body.apiKey.id, name: 'deploy script', prefix: key.slice(0, 9), lastUsedAt: expect.any(String) })]);
    expect(JSON.stringify(list.body)).not.toContain(key);
    // Someone else's key is not yours to revoke (an admin may).
    expect((await request(kit.app).delete(`/api/keys/${made.body.apiKey.id}`).set(as.viewer.headers)).status).toBe(404);
    await request(kit.app).delete(`/api/keys/${made.body.apiKey.id}`).set(as.editor.headers).expect(204);
    expect((await request(kit.app).get('/api/flows').set({ authorization: `Bearer ${key}` })).status).toBe(401);
  });
});

describe('the audit log', () => {
  it('records who published, rolled back and deleted, newest first; filters by action, pages, and is for admins', async () => {
    const { c, as } = await team();
    await request(kit.app).post('/api/flows/line/publish').set(as.editor.headers).expect(201);
    await request(kit.app).post('/api/flows/line/rollback').set(c.auth).send({ version: 1 }).expect(200);
    await request(kit.app).delete('/api/flows/line?force=true').set(as.admin.headers).expect(204);
    const log = await request(kit.app).get('/api/audit').set(as.admin.headers).expect(200);
    expect(log.body.entries.map((e: any) => [e.action, e.actor, e.target])).toEqual([
      ['flow.delete', 'admin@example.com', 'line'],
      ['flow.rollback', expect.stringMatching(/^API key cf_.{6}…$/), 'line'],
      ['flow.publish', 'editor@example.com', 'line'],
    ]);
    expect(log.body.entries[2].detail).toEqual({ version: 1 });
    const only = await request(kit.app).get('/api/audit?action=flow.publish').set(as.owner.headers).expect(200);
    expect(only.body.entries).toHaveLength(1);
    const page1 = await request(kit.app).get('/api/audit?limit=2').set(as.owner.headers).expect(200);
    expect(page1.body.entries).toHaveLength(2);
    const page2 = await request(kit.app).get(`/api/audit?limit=2&before=${page1.body.next}`).set(as.owner.headers).expect(200);
    expect(page2.body.entries.map((e: any) => e.action)).toEqual(['flow.publish']);
    expect(page2.body.next).toBeNull();
    expect((await request(kit.app).get('/api/audit').set(as.editor.headers)).status).toBe(403);
    expect((await request(kit.app).get('/api/audit?action=nope').set(as.admin.headers)).status).toBe(400);
  });

  it('SMTP settings need admin; a change is recorded without the password', async () => {
    const { as } = await team();
    const smtp = { host: 'smtp.example.com', port: 587, security: 'starttls', user: 'mailer', password: 'smtp secret 42', from: 'Callflow <ivr@example.com>' };
    const refused = await request(kit.app).put('/api/notifications/smtp').set(as.editor.headers).send(smtp);
    expect([refused.status, refused.body.error.need]).toEqual([403, 'admin']);
    await request(kit.app).put('/api/notifications/smtp').set(as.admin.headers).send(smtp).expect(200);
    const log = await request(kit.app).get('/api/audit?action=smtp.change').set(as.admin.headers).expect(200);
    expect(log.body.entries.map((e: any) => [e.actor, e.target, e.detail.passwordChanged])).toEqual([['admin@example.com', 'smtp.example.com', true]]);
    expect(JSON.stringify(log.body)).not.toContain('smtp secret 42');
  });

  it('records routing changes and people changes', async () => {
    const { people, as } = await team();
    await request(kit.app).put('/api/numbers/+13125550100').set(as.admin.headers).send({ flowId: 'line', mode: 'texml' }).expect(200);
    await request(kit.app).patch(`/api/people/${people.viewer.id}`).set(as.admin.headers).send({ role: 'editor' }).expect(200);
    const log = await request(kit.app).get('/api/audit').set(as.admin.headers).expect(200);
    expect(log.body.entries.map((e: any) => [e.action, e.target, e.detail])).toEqual([
      ['person.role', 'viewer@example.com', { from: 'viewer', to: 'editor' }],
      ['number.route', '+13125550100', { flowId: 'line', mode: 'texml' }],
    ]);
  });
});
