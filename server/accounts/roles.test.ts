import { describe, expect, it } from 'vitest';
import { atLeast, lowerOf, requiredRole } from './roles.js';

describe('requiredRole', () => {
  it('reads need viewer and writes editor by default, also for routes nobody listed', () => {
    expect(requiredRole('GET', '/api/flows').role).toBe('viewer');
    expect(requiredRole('GET', '/api/some-future-page').role).toBe('viewer');
    expect(requiredRole('POST', '/api/some-future-page').role).toBe('editor');
    expect(requiredRole('PUT', '/api/flows/main-line').role).toBe('editor');
  });
  it('a viewer may mark what they read (voicemail read/urgent, a conversation read) but not delete or send', () => {
    expect(requiredRole('PATCH', '/api/voicemails/vm_1').role).toBe('viewer');
    expect(requiredRole('POST', '/api/messages/conversations/+13125550123/read').role).toBe('viewer');
    expect(requiredRole('POST', '/api/voicemails/vm_1/trash').role).toBe('editor');
    expect(requiredRole('DELETE', '/api/voicemails/vm_1').role).toBe('editor');
    expect(requiredRole('POST', '/api/messages').role).toBe('editor');
    expect(requiredRole('PUT', '/api/voicemails/mailboxes/sales').role).toBe('editor');
  });
  it('publishing and rolling back need editor; lint and simulate are reads', () => {
    expect(requiredRole('POST', '/api/flows/main-line/publish')).toEqual({ role: 'editor', what: 'publishing or rolling back a flow' });
    expect(requiredRole('POST', '/api/flows/main-line/rollback').role).toBe('editor');
    expect(requiredRole('POST', '/api/flows/lint').role).toBe('viewer');
    expect(requiredRole('POST', '/api/flows/simulate').role).toBe('viewer');
  });
  it('money, routing, deleting flows, people and the audit log need admin', () => {
    expect(requiredRole('POST', '/api/numbers').role).toBe('admin');
    expect(requiredRole('DELETE', '/api/numbers/+13125550100').role).toBe('admin');
    expect(requiredRole('PUT', '/api/numbers/+13125550100').role).toBe('admin');
    expect(requiredRole('PATCH', '/api/numbers/+13125550100').role).toBe('admin');
    expect(requiredRole('PUT', '/api/usage/budget').role).toBe('admin');
    expect(requiredRole('DELETE', '/api/flows/main-line').role).toBe('admin');
    expect(requiredRole('POST', '/api/invitations').role).toBe('admin');
    expect(requiredRole('PATCH', '/api/people/p1').role).toBe('admin');
    expect(requiredRole('GET', '/api/audit').role).toBe('admin');
    expect(requiredRole('GET', '/api/numbers/search').role).toBe('viewer');
    expect(requiredRole('PUT', '/api/notifications/smtp').role).toBe('admin');
    expect(requiredRole('PUT', '/api/notifications/missed/+13125550100').role).toBe('editor');
  });
  it('everyone manages their own session, password and keys', () => {
    expect(requiredRole('DELETE', '/api/session').role).toBe('viewer');
    expect(requiredRole('PUT', '/api/me/password').role).toBe('viewer');
    expect(requiredRole('POST', '/api/keys').role).toBe('viewer');
    expect(requiredRole('GET', '/api/people').role).toBe('viewer');
  });
  it('ranks roles', () => {
    expect(atLeast('owner', 'admin')).toBe(true);
    expect(atLeast('editor', 'admin')).toBe(false);
    expect(atLeast('viewer', 'viewer')).toBe(true);
    expect(lowerOf('owner', 'viewer')).toBe('viewer');
  });
});
