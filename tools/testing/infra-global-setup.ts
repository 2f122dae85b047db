import { prepareTemplateDatabase } from '@storyline/db/testing';
import type { TestProject } from 'vitest/node';

import './provided-context';
import { startThrowawayAzurite, startThrowawayPostgres } from './start-throwaway-services';

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
    const pg = await startThrowawayPostgres();
    stops.push(pg.stop);
    pgAdminUrl = pg.adminUrl;
    await prepareTemplateDatabase(pgAdminUrl);
  }
  if (!storage) {
    const azurite = await startThrowawayAzurite();
    stops.push(azurite.stop);
    storage = azurite.connectionString;
  }
  project.provide('pgAdminUrl', pgAdminUrl);
  project.provide('storageConnectionString', storage);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
