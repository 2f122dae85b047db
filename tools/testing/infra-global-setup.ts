import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';
import { startEmbeddedPostgres } from '@storyline/db/embedded';
import { prepareTemplateDatabase } from '@storyline/db/testing';
import { startAzurite } from '@storyline/storage';
import type { TestProject } from 'vitest/node';

import './provided-context';

/**
 * Gives integration tests a real Postgres (with a migrated template database) and a
 * real Azurite. The README's test command starts both once for every project and
 * passes them (template prepared) in the environment; a lone `nx test` starts its own and stops them.
 */
export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  let pgAdminUrl = process.env['STORYLINE_TEST_PG_ADMIN_URL'];
  let storage = process.env['STORYLINE_TEST_STORAGE'];
  if (!pgAdminUrl) {
    const dataDir = await mkdtemp(join(tmpdir(), 'storyline-pg-'));
    const pg = await startEmbeddedPostgres({ dataDir, port: await getPort(), persistent: false });
    stops.push(async () => {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    pgAdminUrl = pg.adminUrl;
    await prepareTemplateDatabase(pgAdminUrl);
  }
  if (!storage) {
    const azurite = await startAzurite({ blobPort: await getPort(), queuePort: await getPort() });
    stops.push(azurite.stop);
    storage = azurite.connectionString;
  }
  project.provide('pgAdminUrl', pgAdminUrl);
  project.provide('storageConnectionString', storage);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
