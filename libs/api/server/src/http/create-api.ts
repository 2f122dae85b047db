import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createDatabase, jobs, type Database } from '@storyline/db';
import { findJob, readJobEventsAfter } from '@storyline/jobs';
import { createLogReader, createStreamHub, type LogReader, type StreamHub } from '@storyline/realtime';
import { createBlobStore, createJobQueues, type BlobStore, type JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import sirv from 'sirv';
import { createLoginThrottle, type LoginThrottleOptions, listenForEndedSessions, createContextFactory, type FileLimits, SSE_PING_MS, readFlags, appRouter, errorReference } from '@storyline/api-router';
import { createFileRoutes, DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../files/file-routes';
import { createStreamRoute, DEFAULT_STREAM_LIMITS, type StreamLimits } from '../streams/stream-route';
import { createApiMetrics, type ApiMetrics } from './api-metrics';
import { startOpsSampler } from './ops-sampler';
import { createRequestRouter } from './route-request';

/** How long an idle keep-alive connection stays open: longer than clients and load balancers keep theirs (60 s). */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ApiOptions {
  databaseUrl: string;
  storageConnectionString: string;
  queuePrefix?: string;
  /** The built editor to serve at `/`; the API alone when absent. */
  editorDir?: string;
  log: Logger;
  sessionTtlMs?: number;
  secureCookies?: boolean;
  /** Failed-login throttling; absent, 5 failures within 15 minutes lock for 15 minutes. */
  loginThrottle?: LoginThrottleOptions;
  /** Take the client's address from `X-Forwarded-For`: only behind a proxy that sets it. */
  trustProxy?: boolean;
  /** The largest request body taken, in bytes (64 MiB: a full 500-page draft in two languages fits); larger ones get 413. */
  maxBodyBytes?: number;
  /** How long a shutdown waits for requests in flight before cutting them. */
  drainTimeoutMs?: number;
  /** Bounds on live streams; see {@link DEFAULT_STREAM_LIMITS}. */
  streamLimits?: Partial<StreamLimits>;
  /** Bounds and lifetimes of uploads and downloads; see {@link DEFAULT_FILE_LIMITS}. */
  files?: Partial<FileLimits>;
  /** Uploads in flight at once; see {@link DEFAULT_UPLOAD_LIMITS}. */
  uploadLimits?: Partial<UploadLimits>;
  /**
   * How long a connection may sit with nothing read or written before it is closed
   * (120 s). It bounds a stalled upload or download; streams stay busy with their pings.
   */
  idleTimeoutMs?: number;
  /** How often this process samples its figures for admins' operations pages (5 s). */
  opsSampleMs?: number;
}

/** Images up to 10 MiB, imports up to 512 MiB, links for 15 minutes, uploads kept 7 days. */
export const DEFAULT_FILE_LIMITS: FileLimits = {
  mediaMaxBytes: 10 * 1024 * 1024,
  importMaxBytes: 512 * 1024 * 1024,
  downloadLinkTtlMs: 15 * 60_000,
  uploadRetentionMs: 7 * 86_400_000,
};

export interface Api {
  server: Server;
  database: Database;
  queues: JobQueues;
  blobs: BlobStore;
  logReader: LogReader;
  hub: StreamHub;
  metrics: ApiMetrics;
  /** Open SSE streams right now. */
  openStreams(): number;
  /**
   * Stops taking requests, ends every open stream at once (so its client reconnects
   * to another process straight away), lets requests in flight finish, then closes.
   */
  close(): Promise<void>;
}

/** Wires the database, the queues, the log reader and the HTTP routes of one API process. */
export async function createApi(options: ApiOptions): Promise<Api> {
  const { log } = options;
  // The metrics' sources are read at scrape time, by when all of them exist.
  const metrics = createApiMetrics({
    streams: () => hub.counts(),
    jobsByStatus: () =>
      database.db
        .select({ status: jobs.status, count: sql<number>`count(*)::int` })
        .from(jobs)
        .groupBy(jobs.status),
    queueDepth: (type) => queues.depth(type),
    poisonDepth: (type) => queues.poisonDepth(type),
  });
  const database = createDatabase(options.databaseUrl, { applicationName: 'storyline-api', onQuery: () => metrics.databaseQueries.inc() });
  const queues = createJobQueues({ connectionString: options.storageConnectionString, prefix: options.queuePrefix });
  const blobs = createBlobStore({ connectionString: options.storageConnectionString, prefix: options.queuePrefix });
  // The log reader gets a connection of its own: push must not queue behind requests.
  const logConnection = createDatabase(options.databaseUrl, { max: 1, applicationName: 'storyline-api-feed', onQuery: () => metrics.databaseQueries.inc() });
  const logReader = await createLogReader({ database, reader: logConnection, log, readFlags: () => readFlags(database.db) });
  const streamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.streamLimits };
  const hub = createStreamHub({
    logReader,
    maxStreams: streamLimits.maxStreams,
    maxStreamsPerUser: streamLimits.maxStreamsPerUser,
    pingIntervalMs: SSE_PING_MS,
    onError: (error) => log.error({ err: error }, 'a stream failed to take an event; it was ended'),
    readFlags: () => readFlags(database.db),
    readJob: (jobId) => findJob(database.db, jobId),
    readEventsAfter: (jobId, afterSeq, limit) => readJobEventsAfter(database.db, jobId, afterSeq, limit),
    onSent: (stream, event, streams) => metrics.sent(stream, event, streams),
  });
  const sessionsListener = await listenForEndedSessions(database, hub, log);
  const opsSampler = startOpsSampler({ db: database.db, hub, metrics, queues, log, intervalMs: options.opsSampleMs ?? 5_000 });
  const createContext = createContextFactory({
    db: database.db,
    queues,
    blobs,
    files: { ...DEFAULT_FILE_LIMITS, ...options.files },
    logReader,
    hub,
    metrics,
    log,
    sessionTtlMs: options.sessionTtlMs ?? 7 * 24 * 3600_000,
    secureCookies: options.secureCookies ?? false,
    loginThrottle: createLoginThrottle(database.db, options.loginThrottle),
    trustProxy: options.trustProxy ?? false,
  });
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    maxBodySize: options.maxBodyBytes ?? 64 * 1024 * 1024,
    createContext,
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') log.error({ err: error.cause ?? error, path, reference: errorReference(error) }, 'request failed');
    },
  });
  const serveStream = createStreamRoute({
    hub,
    limits: streamLimits,
    createContext,
    log,
    onEnd: (stream, reason) => metrics.streamsEnded.inc({ stream, reason }),
  });
  const editor = options.editorDir && existsSync(options.editorDir) ? sirv(options.editorDir, { single: true, etag: true }) : null;
  const files = createFileRoutes({ createContext, log, metrics, uploadLimits: { ...DEFAULT_UPLOAD_LIMITS, ...options.uploadLimits } });
  const routeRequest = createRequestRouter({ trpc, serveStream, files, editor, database, metrics, log });
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
    routeRequest(req, res);
  });
  // A large import may take longer than Node's 5-minute whole-request limit; what bounds a
  // body instead is its byte cap and the idle timeout: no byte for `idleTimeoutMs`, and it is cut.
  server.requestTimeout = 0;
  server.setTimeout(options.idleTimeoutMs ?? 120_000, (socket) => socket.destroy());
  // Node closes an idle keep-alive connection after 5 s; a client sending on it at that
  // moment gets a reset, and a mutation is retried by nobody. Clients and proxies keep
  // theirs about a minute, so the server keeps its a little longer.
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  return {
    server,
    database,
    queues,
    blobs,
    logReader,
    hub,
    metrics,
    openStreams: () => hub.counts().feed + hub.counts().job,
    async close() {
      draining = true;
      opsSampler.stop();
      // Stop listening without http.Server#close, which also cuts idle keep-alive
      // connections, some of them carrying a request that has just arrived.
      const listening = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      hub.close();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          drained = resolve;
          setTimeout(resolve, options.drainTimeoutMs ?? 10_000).unref();
        });
      }
      for (const socket of sockets) socket.destroy();
      await listening;
      await Promise.allSettled([logReader.close(), sessionsListener.unlisten()]);
      await Promise.all([database.close(), logConnection.close()]);
    },
  };
}
