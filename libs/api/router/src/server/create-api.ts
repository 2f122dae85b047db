import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createDatabase, jobs, type Database } from '@storyline/db';
import { createJobFeed, type JobFeed } from '@storyline/realtime';
import { createJobQueues, type JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import sirv from 'sirv';
import { createContextFactory } from '../context';
import { readFlags } from '../routers/flags';
import { appRouter } from '../routers/_app';
import { createApiMetrics, type ApiMetrics } from './api-metrics';

export interface ApiOptions {
  databaseUrl: string;
  storageConnectionString: string;
  queuePrefix?: string;
  /** The built editor to serve at `/`; the API alone when absent. */
  editorDir?: string;
  log: Logger;
  sessionTtlMs?: number;
  secureCookies?: boolean;
  /** How long a shutdown waits for requests in flight before cutting them. */
  drainTimeoutMs?: number;
}

export interface Api {
  server: Server;
  database: Database;
  queues: JobQueues;
  feed: JobFeed;
  metrics: ApiMetrics;
  /** Open SSE responses right now. */
  openStreams(): number;
  /**
   * Stops taking requests, ends every open stream at once (so its client reconnects
   * to another process straight away), lets requests in flight finish, then closes.
   */
  close(): Promise<void>;
}

/** Wires the database, the queues, the event feed and the HTTP routes of one API process. */
export async function createApi(options: ApiOptions): Promise<Api> {
  const { log } = options;
  const database = createDatabase(options.databaseUrl, { applicationName: 'storyline-api' });
  const queues = createJobQueues({ connectionString: options.storageConnectionString, prefix: options.queuePrefix });
  const feed = await createJobFeed({ database, log, readFlags: () => readFlags(database.db) });
  const metrics = createApiMetrics({
    jobsByStatus: () =>
      database.db
        .select({ status: jobs.status, count: sql<number>`count(*)::int` })
        .from(jobs)
        .groupBy(jobs.status),
    queueDepth: (type) => queues.depth(type),
  });
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: createContextFactory({
      db: database.db,
      queues,
      feed,
      metrics,
      log,
      sessionTtlMs: options.sessionTtlMs ?? 7 * 24 * 3600_000,
      secureCookies: options.secureCookies ?? false,
    }),
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error, path }, 'request failed');
    },
  });
  const editor = options.editorDir && existsSync(options.editorDir) ? sirv(options.editorDir, { single: true, etag: true }) : null;
  const streams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let draining = false;
  let drained: () => void = () => undefined;

  const server = createServer((req, res) => {
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (draining && inFlight === 0) drained();
    });
    if (draining) res.setHeader('connection', 'close');
    const path = (req.url ?? '/').split('?')[0];
    if (path.startsWith('/trpc/')) {
      if (isEventStream(req)) {
        streams.add(res);
        res.once('close', () => streams.delete(res));
      }
      return trpc(req, res);
    }
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      void database.db
        .execute(sql`select 1`)
        .then(() => json(res, 200, { status: 'ready' }))
        .catch(() => json(res, 503, { status: 'database unreachable' }));
      return;
    }
    if (path === '/metrics') {
      void metrics.registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(body);
        },
        (error: unknown) => json(res, 500, { error: String(error) }),
      );
      return;
    }
    if (editor) return editor(req, res, () => json(res, 404, { error: 'not found' }));
    json(res, 404, { error: 'not found' });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    server,
    database,
    queues,
    feed,
    metrics,
    openStreams: () => streams.size,
    async close() {
      draining = true;
      // Stop listening without http.Server#close, which also cuts idle keep-alive
      // connections, some of them carrying a request that has just arrived.
      const listening = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      for (const stream of streams) stream.end();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, options.drainTimeoutMs ?? 10_000).unref();
        });
      }
      for (const socket of sockets) socket.destroy();
      await listening;
      await feed.close().catch(() => undefined);
      await database.close();
    },
  };
}

function isEventStream(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/event-stream');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
