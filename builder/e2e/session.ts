import type { Page } from 'playwright-core';
import type { startServer } from './server.js';

type Server = Awaited<ReturnType<typeof startServer>>;

/** The password the tests give the owner of a server from {@link startServer} (through its first-start set-password link). */
export const OWNER_PASSWORD = 'e2e owner password';

const ready = new WeakMap<Server, Promise<void>>();

/** Sets the owner's password once per server, with the one-time link the server printed on its first start. */
function ownerReady(server: Server): Promise<void> {
  let p = ready.get(server);
  if (!p) {
    p = (async () => {
      const token = server.setupLink.split('/').at(-1);
      if (!token) throw new Error(`no set-password link in the server's banner:\n${server.log()}`);
      const res = await fetch(`${server.url}/api/password-reset/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, password: OWNER_PASSWORD }) });
      if (!res.ok) throw new Error(`setting the owner's password answered ${res.status}: ${await res.text()}`);
    })();
    ready.set(server, p);
  }
  return p;
}

/**
 * Signs the browser in to a server from {@link startServer} through the sign-in page (email and password;
 * the owner's by default, whose password is set once through the first-start link) and waits for the console.
 * Every console e2e test signs in through this one function, so a change to how people sign in changes one place.
 */
export async function signIn(page: Page, server: Server, at = '#/flows', who?: { email: string; password: string }): Promise<void> {
  if (!who) await ownerReady(server);
  const { email, password } = who ?? { email: server.ownerEmail, password: OWNER_PASSWORD };
  await page.goto(`${server.url}/${at}`);
  await page.locator('input[name=email]').fill(email);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Console' }).waitFor();
}
