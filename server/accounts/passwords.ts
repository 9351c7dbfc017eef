/**
 * Password hashing with argon2id (@node-rs/argon2: prebuilt, no compiler needed) at OWASP's recommended
 * minimum (19 MiB, 2 passes, 1 lane), and the one password rule the API enforces.
 */
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { z } from 'zod';

const OPTIONS = { algorithm: 2 as Algorithm /* Argon2id (a const enum, unreadable under isolatedModules) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** 8 to 200 characters (NIST 800-63B: length, no composition rules); the longest is capped so hashing stays cheap. */
export const passwordSchema = z.string().min(8, 'At least 8 characters').max(200, 'At most 200 characters');

/** An argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
let dummy: Promise<string> | undefined;

/** True when `password` matches `phc`; with no hash (unknown person, or no password set yet) false, after the same work. */
export async function checkPassword(phc: string | null | undefined, password: string): Promise<boolean> {
  if (!phc) {
    dummy ??= hashPassword('not a password of anyone');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(phc, password).catch(() => false);
}
