/** A failure retrying will not fix (an SMTP 5xx, an opted-out number, a refused address): the outbox row is failed at once. */
export class PermanentFailure extends Error {}
