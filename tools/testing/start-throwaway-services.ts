import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { startEmbeddedPostgres, type RunningPostgres } from '@storyline/db/embedded';
import { startAzurite, type RunningAzurite } from '@storyline/storage';

/**
 * A real Postgres on a free port in a temporary folder that `stop()` removes.
 * `settings` are server settings given at start (see {@link startEmbeddedPostgres}).
 */
export async function startThrowawayPostgres(options: { settings?: Record<string, string> } = {}): Promise<RunningPostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), 'storyline-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir, port: await getPort(), persistent: false, settings: options.settings });
  return {
    ...pg,
    async stop() {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Azurite on free ports, keeping everything in memory. */
export async function startThrowawayAzurite(): Promise<RunningAzurite> {
  return startAzurite({ blobPort: await getPort(), queuePort: await getPort() });
}
