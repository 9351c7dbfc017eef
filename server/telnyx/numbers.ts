/**
 * Finding a number on the Telnyx account. A number has several ids at Telnyx:
 * the number order's, the order's phone-number entry (`number_orders` →
 * `phone_numbers[].id`) and the phone number's own (`/phone_numbers/{id}`).
 * Only the last one can be updated or deleted, and only
 * `GET /phone_numbers?filter[phone_number]=…` gives it.
 */
import type Telnyx from 'telnyx';
import type { PhoneNumberListParams } from 'telnyx/resources/phone-numbers/phone-numbers';

/** The part of the SDK client this needs (the real client fits; so do small test doubles). */
export interface PhoneNumbersClient {
  phoneNumbers: { list(q: PhoneNumberListParams): PromiseLike<{ data: { id?: string; phone_number?: string | null }[] }> };
}

/**
 * `filter[phone_number]` for an E.164: its digits. Telnyx documents that
 * "non-numerical characters will result in no values being returned", so a
 * `+` would find nothing on a real account.
 */
export const phoneFilter = (e164: string): PhoneNumberListParams => ({ filter: { phone_number: e164.replace(/\D/g, '') } });

/**
 * The `/phone_numbers/{id}` id of `e164` when the account lists it (the
 * filter matches digits anywhere, so the answer is checked for the exact
 * number); undefined when the account does not hold it. SDK errors propagate.
 */
export async function phoneNumberId(telnyx: PhoneNumbersClient | Telnyx, e164: string): Promise<string | undefined> {
  const page = await (telnyx as PhoneNumbersClient).phoneNumbers.list(phoneFilter(e164));
  return page.data.find((x) => x.phone_number === e164 && x.id)?.id;
}
