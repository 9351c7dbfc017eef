/**
 * The sweeper that finishes deletes with undo: a voicemail trashed in the inbox
 * (POST /api/voicemails/:id/trash) is purged once its undo window has passed,
 * whether or not anyone is looking, so closing the browser tab after deleting
 * loses nothing and leaves nothing behind. The inbox routes purge what is due too
 * (api/voicemails.ts); this covers a server nobody asks. Every instance may run
 * one: each purge is a conditional write, so two sweepers never purge twice.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/types.js';

/** Purges due voicemails every `everyMs` (unref'd: never what keeps the process alive); returns stop. */
export function startVoicemailPurger(store: Pick<Store, 'purgeDueVoicemails'>, log: Pick<Logger, 'warn'>, everyMs = 5000): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow purge is not stacked on
    running = true;
    store.purgeDueVoicemails()
      .catch((err: unknown) => log.warn({ err }, 'purging deleted voicemails failed; the next sweep tries again'))
      .finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
