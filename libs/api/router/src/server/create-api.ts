import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { sql } from 'drizzle-orm';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createDatabase, type Database } from '@storyline/db';
import { readJobEventsAfter } from '@storyline/jobs';
import { createJobEventHub, type JobEventHub } from '@storyline/realtime';
import { createJobQueues, type JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import sirv from 'sirv';
import { createContextFactory } from '../context';
import { appRouter } from '../routers/_app';

export interface ApiOptions {
  databaseUrl: string;
  storageConnectionString: string;
  queuePrefix?: string;
  /** The built editor to serve at `/`; the API alone when absent. */
  editorDir?: string;
  log: Logger;
  sessionTtlMs?: number;
  secureCookies?: boolean;
}

export interface Api {
  server: Server;
  database: Database;
  queues: JobQueues;
  hub: JobEventHub;
  /** Stops accepting requests, ends open streams and closes every connection. */
  close(): Promise<void>;
}

/** Wires the database, the queues, the LISTEN hub and the HTTP routes of one API process. */
export async function createApi(options: ApiOptions): Promise<Api> {
  const { log } = options;
  const database = createDatabase(options.databaseUrl, { applicationName: 'storyline-api' });
  const queues = createJobQueues({ connectionString: options.storageConnectionString, prefix: options.queuePrefix });
  const hub = await createJobEventHub(database.sql, log, async (jobId, seq) => {
    const [event] = await readJobEventsAfter(database.db, jobId, seq - 1, seq);
    return event ?? null;
  });
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: createContextFactory({
      db: database.db,
      queues,
      hub,
      log,
      sessionTtlMs: options.sessionTtlMs ?? 7 * 24 * 3600_000,
      secureCookies: options.secureCookies ?? false,
    }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path }, 'request failed');
    },
  });
  const editor = options.editorDir && existsSync(options.editorDir) ? sirv(options.editorDir, { single: true, etag: true }) : null;

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/trpc/')) return trpc(req, res);
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      void database.db
        .execute(sql`select 1`)
        .then(() => json(res, 200, { status: 'ready' }))
        .catch(() => json(res, 503, { status: 'database unreachable' }));
      return;
    }
    if (editor) return editor(req, res, () => json(res, 404, { error: 'not found' }));
    json(res, 404, { error: 'not found' });
  });

  return {
    server,
    database,
    queues,
    hub,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Open streams never go idle: end them so their clients reconnect elsewhere at once.
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
      await closed;
      await hub.close().catch(() => undefined);
      await database.close();
    },
  };
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
