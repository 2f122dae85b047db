/**
 * `npm run cluster -- --apis 2 --workers 2`: several API and worker processes against
 * one Postgres and one storage account (the embedded ones unless DATABASE_URL and
 * AZURE_STORAGE_CONNECTION_STRING are set). Ctrl-C stops everything.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createDatabase, migrateDatabase } from '@storyline/db';
import { onShutdownSignal } from '@storyline/db/embedded';
import { seedDemoData } from '../start/seed-demo-data';
import { startThrowawayAzurite, startThrowawayPostgres } from '../testing/start-throwaway-services';
import { startCluster } from './start-cluster';

const { values } = parseArgs({ options: { apis: { type: 'string', default: '2' }, workers: { type: 'string', default: '2' } } });
const apis = Number(values.apis);
const workers = Number(values.workers);
if (!Number.isInteger(apis) || apis < 1 || !Number.isInteger(workers) || workers < 0) {
  console.error('usage: npm run cluster -- --apis N (>= 1) --workers M (>= 0)');
  process.exit(2);
}
const build = spawnSync('node_modules/.bin/nx', ['run-many', '-t', 'build', '-p', 'editor,api,worker', '--outputStyle=stream'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const stops: Array<() => Promise<void>> = [];
let databaseUrl = process.env['DATABASE_URL'];
let storage = process.env['AZURE_STORAGE_CONNECTION_STRING'];
if (!databaseUrl) {
  const pg = await startThrowawayPostgres();
  stops.push(pg.stop);
  databaseUrl = pg.url;
}
if (!storage) {
  const azurite = await startThrowawayAzurite();
  stops.push(azurite.stop);
  storage = azurite.connectionString;
}
await migrateDatabase(databaseUrl);
const database = createDatabase(databaseUrl, { max: 1 });
await seedDemoData(database.db);
await database.close();
const cluster = await startCluster({ apis, workers, databaseUrl, storageConnectionString: storage, logLevel: 'info' });
console.log(`[cluster] ${apis} API and ${workers} worker processes on one Postgres and one storage account:`);
for (const url of cluster.apiUrls) console.log(`[cluster]   ${url}`);
console.log('[cluster] press Ctrl-C to stop');
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await cluster.stop();
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(0);
};
onShutdownSignal(() => void shutdown());
