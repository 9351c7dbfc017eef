import { describe, expect, it } from 'vitest';
import { fieldErrors } from './field-errors.js';

/** What api.ts's ApiError carries (status, code, message, body), built here without a browser. */
class ApiError extends Error { constructor(public status: number, public code: string, message: string, public body: unknown) { super(message); } }

describe('fieldErrors', () => {
  it('maps zod issues to their fields', () => {
    const err = new ApiError(400, 'bad_request', 'x', { error: { path: ['budgetMicros'], issues: [
      { path: ['budgetMicros'], message: 'Too small: expected number to be >=0' },
      { path: ['rates', 'sms_out_segment'], message: 'Invalid input' },
    ] } });
    expect(fieldErrors(err)).toEqual({ budgetMicros: 'Too small: expected number to be >=0', 'rates.sms_out_segment': 'Invalid input' });
  });
  it('uses the error path without issues, and the form for the rest', () => {
    expect(fieldErrors(new ApiError(403, 'forbidden', 'Admins only', { error: { message: 'Admins only' } }))).toEqual({ '': 'Admins only' });
    expect(fieldErrors(new ApiError(404, 'not_found', 'Flow x not found', { error: { path: ['flowId'], message: 'Flow x not found' } }))).toEqual({ flowId: 'Flow x not found' });
    expect(fieldErrors(new Error('offline'))).toEqual({ '': 'offline' });
  });
});
