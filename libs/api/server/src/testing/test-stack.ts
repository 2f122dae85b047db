import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import { createJobDefinitions, type FileJobServices } from '@storyline/job-handlers';
import { createJobWorker, type JobDefinition, type JobWorker } from '@storyline/jobs';
import pino, { type Logger } from 'pino';
import { inject } from 'vitest';
import '../../../../../tools/testing/provided-context';
import { upsertUser, type FileLimits, type AppRouter } from '@storyline/api-router';
import type { UploadLimits } from '../files/file-routes';
import { createApi, type Api } from '../http/create-api';
import type { StreamLimits } from '../streams/stream-route';

export const log = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });

export interface TestStack {
  database: TestDatabase;
  api: Api;
  baseUrl: string;
  /** What the file jobs of this stack's workers use; a test may build its own definitions from it. */
  fileServices: FileJobServices;
  startWorker(definitions?: JobDefinition[], options?: { maxDeliveries?: number }): JobWorker;
  /** Logs in through the real HTTP API and returns a client that carries the session cookie. */
  login(username: string): Promise<TestClient>;
  /** Logs in through the real HTTP API and returns the session cookie (`name=value`). */
  loginCookie(username: string): Promise<string>;
  close(): Promise<void>;
}

export type TestClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface TestStackOptions {
  streamLimits?: Partial<StreamLimits>;
  files?: Partial<FileLimits>;
  uploadLimits?: Partial<UploadLimits>;
  fileJobs?: Partial<FileJobServices>;
  log?: Logger;
  opsSampleMs?: number;
}

/** A real API on a free port over a database of its own, with queues of its own in the shared Azurite. */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const database = await createTestDatabase(inject('pgAdminUrl'));
  const queuePrefix = `t${randomBytes(4).toString('hex')}-`;
  const api = await createApi({
    databaseUrl: database.url,
    storageConnectionString: inject('storageConnectionString'),
    queuePrefix,
    log: options.log ?? log,
    streamLimits: options.streamLimits,
    files: options.files,
    uploadLimits: options.uploadLimits,
    opsSampleMs: options.opsSampleMs,
  });
  await Promise.all([api.queues.ensure(), api.blobs.ensure()]);
  const fileServices: FileJobServices = {
    db: database.db,
    blobs: api.blobs,
    queues: api.queues,
    log: options.log ?? log,
    exportRetentionMs: 7 * 86_400_000,
    scratchDir: join(tmpdir(), `storyline-test-${queuePrefix}`),
    ...options.fileJobs,
  };
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  for (const username of ['alice', 'bob']) await upsertUser(database.db, { username, password: `${username}-pw`, role: 'user' });
  await upsertUser(database.db, { username: 'admin', password: 'admin-pw', role: 'admin' });
  const workers: JobWorker[] = [];
  const loginCookie = async (username: string) => {
    const response = await fetch(`${baseUrl}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: `${username}-pw` }),
    });
    const cookie = response.headers.get('set-cookie');
    if (!response.ok || !cookie) throw new Error(`login of ${username} failed: ${response.status}`);
    return cookie.split(';')[0];
  };

  return {
    database,
    api,
    baseUrl,
    fileServices,
    startWorker(definitions = createJobDefinitions(fileServices), options = {}) {
      const worker = createJobWorker(
        { db: database.db, queues: api.queues, log, listen: (channel, onNotify, onListen) => database.sql.listen(channel, onNotify, onListen) },
        { definitions, retryDelaySec: 0, maxDeliveries: options.maxDeliveries ?? 3 },
      );
      worker.start();
      workers.push(worker);
      return worker;
    },
    loginCookie,
    async login(username) {
      let cookie = await loginCookie(username);
      const fetchWithCookie: typeof fetch = async (input, init) => {
        const headers = new Headers(init?.headers);
        if (cookie) headers.set('cookie', cookie);
        const response = await fetch(input, { ...init, headers });
        const set = response.headers.get('set-cookie');
        if (set) cookie = set.split(';')[0];
        return response;
      };
      return createClient(baseUrl, fetchWithCookie, () => cookie);
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await api.close();
      await database.destroy();
    },
  };
}

function createClient(baseUrl: string, fetchWithCookie: typeof fetch, cookie: () => string): TestClient {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${baseUrl}/trpc`,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, cookie: cookie() } }),
          }),
        }),
        false: httpBatchLink({ url: `${baseUrl}/trpc`, fetch: fetchWithCookie }),
      }),
    ],
  });
}
