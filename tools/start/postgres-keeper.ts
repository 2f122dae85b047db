/**
 * Runs the embedded Postgres of `npm start` in a process group of its own, so a terminal's
 * Ctrl-C (sent to the whole foreground group) reaches only the start script, which then
 * stops the API and the worker while their database is still up, and Postgres last.
 * Forked by tools/start/main.ts with an IPC channel: it answers `{ url }` once Postgres is
 * up (or `{ error }`), stops it on 'stop', and stops it too if the channel closes because
 * the start script died without stopping it (even by SIGKILL).
 */
import { startEmbeddedPostgres, type RunningPostgres } from '@storyline/db/embedded';

export interface KeeperRequest {
  dataDir: string;
  port: number;
}
export type KeeperReply = { url: string } | { error: string };

/** Postgres once up; undefined before a request or when it could not start. */
let started: Promise<RunningPostgres | undefined> = Promise.resolve(undefined);
let stopping: Promise<void> | undefined;

/** Stops Postgres, once it is up if it is still starting, and exits. */
function stopAndExit(): Promise<void> {
  stopping ??= started
    .then((pg) => pg?.stop())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
  return stopping;
}

process.on('disconnect', () => void stopAndExit());
process.on('message', (message: KeeperRequest | 'stop') => {
  if (message === 'stop') return void stopAndExit();
  started = startEmbeddedPostgres({ ...message, onLog: (line) => line.startsWith('made ') && console.log(`[start] ${line}`) }).then(
    (pg) => {
      process.send?.({ url: pg.url } satisfies KeeperReply);
      return pg;
    },
    (error: unknown) => {
      process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies KeeperReply);
      return undefined;
    },
  );
});
