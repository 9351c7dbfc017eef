/**
 * The first start needs no setup: with the company, an owner is created (CALLFLOW_OWNER_EMAIL, else
 * owner@localhost) with no password and a one-time link to set one, printed on the start-up banner only.
 */
import type { Store } from '../store/types.js';
import { newToken } from '../api/auth.js';
import { resetUrl } from './links.js';

/** How long the first start's set-password link stays valid; after it, “Forgot password?” prints a new one. */
export const SETUP_TTL_MS = 7 * 24 * 3600_000;

/** The owner's email: CALLFLOW_OWNER_EMAIL when it looks like one, else owner@localhost. */
export function ownerEmail(env: NodeJS.ProcessEnv): string {
  const e = env.CALLFLOW_OWNER_EMAIL?.trim();
  return e && /^[^\s@]+@[^\s@]+$/.test(e) ? e.toLowerCase() : 'owner@localhost';
}

/** Creates the owner of `companyId` and their set-password link; undefined when that email has an account already. */
export async function createOwner(store: Store, companyId: string, email: string, publicUrl: string, now = new Date()): Promise<{ email: string; url: string; expiresAt: string } | undefined> {
  const person = await store.createPerson({ companyId, email, name: 'Owner', role: 'owner', passwordHash: null });
  if (!person) return undefined;
  const token = newToken(), expiresAt = new Date(now.getTime() + SETUP_TTL_MS).toISOString();
  await store.createPasswordReset({ token, personId: person.id, at: now.toISOString(), expiresAt });
  return { email: person.email, url: resetUrl(publicUrl, token), expiresAt };
}
