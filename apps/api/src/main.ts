import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { createApi } from '@storyline/api-server';
import { migrateDatabase } from '@storyline/db';
import pino from 'pino';
import { readEnv } from './env';

const env = readEnv();
const log = pino({ name: 'api', level: env.LOG_LEVEL });
// Whatever one request or stream gets wrong is logged; it never takes every other user's streams down with it.
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));

// A built bundle carries its migrations beside it; run from source, the db lib knows where they are.
const bundledMigrations = fileURLToPath(new URL('./migrations', import.meta.url));
await migrateDatabase(env.DATABASE_URL, existsSync(bundledMigrations) ? bundledMigrations : undefined);
const api = await createApi({
  databaseUrl: env.DATABASE_URL,
  storageConnectionString: env.AZURE_STORAGE_CONNECTION_STRING,
  queuePrefix: env.QUEUE_PREFIX,
  editorDir: resolve(env.EDITOR_DIST),
  sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
  secureCookies: env.COOKIE_SECURE,
  loginThrottle: {
    maxFailures: env.LOGIN_MAX_FAILURES,
    accountMaxFailures: env.LOGIN_ACCOUNT_MAX_FAILURES,
    accountDelayMaxSec: env.LOGIN_ACCOUNT_DELAY_MAX_SEC,
    addressMaxFailures: env.LOGIN_ADDRESS_MAX_FAILURES,
    windowSec: env.LOGIN_WINDOW_SEC,
    lockoutSec: env.LOGIN_LOCKOUT_SEC,
  },
  trustProxy: env.TRUST_PROXY,
  maxBodyBytes: env.MAX_BODY_MB * 1024 * 1024,
  files: {
    mediaMaxBytes: env.MEDIA_MAX_MB * 1024 * 1024,
    importMaxBytes: env.IMPORT_MAX_MB * 1024 * 1024,
    downloadLinkTtlMs: env.DOWNLOAD_LINK_TTL_SEC * 1000,
    uploadRetentionMs: env.UPLOAD_RETENTION_DAYS * 86_400_000,
  },
  uploadLimits: { maxUploads: env.UPLOADS_MAX, maxUploadsPerUser: env.UPLOADS_PER_USER_MAX },
  idleTimeoutMs: env.IDLE_TIMEOUT_SEC * 1000,
  opsSampleMs: env.OPS_SAMPLE_SEC * 1000,
  streamLimits: { maxStreams: env.STREAMS_MAX, maxStreamsPerUser: env.STREAMS_PER_USER_MAX, maxBufferedBytes: env.STREAM_BUFFER_KB * 1024 },
  log,
});
await Promise.all([api.queues.ensure(), api.blobs.ensure()]);
api.server.listen(env.PORT, env.HOST, () => {
  const address = api.server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  log.info({ url: `http://${env.HOST}:${port}` }, 'api listening');
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    log.info({ signal, again: stopping }, 'api shutting down');
    if (stopping) return;
    stopping = true;
    void api.close().finally(() => process.exit(0));
  });
}
