import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase, migrateDatabase } from '@storyline/db';
import { createJobDefinitions, purgeDeleted, sweepExpiredFiles, sweepScratchDir } from '@storyline/job-handlers';
import { createJobWorker } from '@storyline/jobs';
import { createBlobStore, createJobQueues } from '@storyline/storage';
import pino from 'pino';
import { readEnv } from './env';

const env = readEnv();
const log = pino({ name: 'worker', level: env.LOG_LEVEL });
// A job's failure is recorded on the job; anything that escapes is logged, never the end of every other job.
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

// A built bundle carries its migrations beside it; run from source, the db lib knows where they are.
const bundledMigrations = fileURLToPath(new URL('./migrations', import.meta.url));
await migrateDatabase(env.DATABASE_URL, existsSync(bundledMigrations) ? bundledMigrations : undefined);
const database = createDatabase(env.DATABASE_URL, { applicationName: 'storyline-worker', max: env.WORKER_CONCURRENCY + 2 });
const queues = createJobQueues({ connectionString: env.AZURE_STORAGE_CONNECTION_STRING, prefix: env.QUEUE_PREFIX });
const blobs = createBlobStore({ connectionString: env.AZURE_STORAGE_CONNECTION_STRING, prefix: env.QUEUE_PREFIX });
await Promise.all([queues.ensure(), blobs.ensure()]);
const MB = 1024 * 1024;
const scratchDir = env.SCRATCH_DIR ?? join(tmpdir(), 'storyline-worker');
const jobDefinitions = createJobDefinitions({
  db: database.db,
  blobs,
  queues,
  log,
  exportRetentionMs: env.EXPORT_RETENTION_DAYS * 86_400_000,
  scratchDir,
  archiveLimits: {
    maxArchiveBytes: env.IMPORT_MAX_MB * MB,
    maxEntries: env.IMPORT_MAX_ENTRIES,
    maxTotalUncompressedBytes: env.IMPORT_MAX_UNCOMPRESSED_MB * MB,
    maxEntryRatio: env.IMPORT_MAX_RATIO,
    maxMediaBytes: env.MEDIA_MAX_MB * MB,
  },
});
const worker = createJobWorker(
  { db: database.db, queues, log, listen: (channel, onNotify, onListen) => database.sql.listen(channel, onNotify, onListen) },
  {
    definitions: jobDefinitions,
    concurrency: env.WORKER_CONCURRENCY,
    visibilityTimeoutSec: env.VISIBILITY_TIMEOUT_SEC,
    maxDeliveries: env.MAX_DELIVERIES,
    retryDelaySec: env.RETRY_DELAY_SEC,
    idlePollMs: env.IDLE_RECEIVE_MAX_SEC * 1000,
    sweep: {
      intervalMs: env.SWEEP_INTERVAL_SEC * 1000,
      queuedStaleSec: env.QUEUED_STALE_SEC,
      runningStaleSec: env.RUNNING_STALE_SEC ?? env.VISIBILITY_TIMEOUT_SEC * 5,
      maxRequeues: env.MAX_REQUEUES,
    },
  },
);
worker.start();
// Scratch files of crashed attempts: older than any run timeout (15 min) by a wide margin.
const SCRATCH_MAX_AGE_MS = 3_600_000;
/** The file sweep in flight, so a shutdown lets it finish before closing the database. */
let sweeping: Promise<void> = Promise.resolve();
const sweepFiles = () => {
  sweeping = Promise.all([
    sweepExpiredFiles(database.db, blobs),
    sweepScratchDir(scratchDir, SCRATCH_MAX_AGE_MS),
    purgeDeleted(database.db, blobs, env.DELETED_RETENTION_MIN * 60_000),
  ])
    .then(([swept, scratch, purged]) => {
      if (swept.artifacts + swept.uploads + scratch > 0) log.info({ ...swept, scratch }, 'expired files deleted');
      if (purged.blobs + purged.story + purged.region + purged.hero + purged.epic > 0) log.info(purged, 'deleted items purged');
    })
    .catch((error: unknown) => log.warn({ err: error }, 'expired-file sweep failed; the next one retries'));
};
sweepFiles();
const fileSweeper = setInterval(sweepFiles, env.FILE_SWEEP_INTERVAL_SEC * 1000);
log.info({ types: jobDefinitions.map((definition) => definition.type) }, 'worker consuming');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'worker shutting down');
    clearInterval(fileSweeper);
    void worker
      .stop()
      .then(() => sweeping)
      .then(() => database.close())
      .finally(() => process.exit(0));
  });
}
