import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'drizzle-orm';
import type { Database } from '@storyline/db';
import type { Logger } from 'pino';
import { streamPathOf, type StreamPath } from '../streams/stream-route';
import type { ApiMetrics } from './api-metrics';
import { errorReference } from '@storyline/api-router';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RequestRoutes {
  trpc: Handler;
  serveStream(req: IncomingMessage, res: ServerResponse, path: StreamPath, url: URL): Promise<void>;
  /** Uploads, images and downloads under `/files/`. */
  files(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** The built editor's static files; absent when the API runs alone. */
  editor: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | null;
  database: Database;
  metrics: ApiMetrics;
  log: Logger;
}

/**
 * Sends each request where it belongs: the two job streams (the user stream
 * `jobs.onMyJobs` and a watched job's `jobs.watch`) to the lean writer, other
 * `/trpc/` calls to tRPC, `/files/` to the file routes, health, readiness and metrics,
 * and the editor for the rest.
 */
export function createRequestRouter(routes: RequestRoutes): Handler {
  const { database, metrics, log } = routes;
  return (req, res) => {
    const url = URL.parse(req.url ?? '/', 'http://storyline');
    // A target such as `//host:port-garbage` is not a URL at all: refuse it rather than throw.
    if (!url) return json(res, 400, { error: 'bad request target' });
    const path = url.pathname;
    if (path.startsWith('/trpc/')) {
      const stream = streamPathOf(path);
      if (req.method !== 'GET' || !stream) return routes.trpc(req, res);
      void routes.serveStream(req, res, stream, url).catch((error: unknown) => {
        log.error({ err: error, path }, 'stream handling failed');
        res.destroy();
      });
      return;
    }
    if (path.startsWith('/files/')) {
      void routes.files(req, res, url).catch((error: unknown) => {
        log.error({ err: error, path }, 'file request handling failed');
        res.destroy();
      });
      return;
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
        (error: unknown) => {
          const reference = errorReference(error instanceof Error ? error : new Error(String(error)));
          log.error({ err: error, reference }, 'metrics collection failed');
          json(res, 500, { error: `internal error (reference ${reference})` });
        },
      );
      return;
    }
    if (routes.editor) return routes.editor(req, res, () => json(res, 404, { error: 'not found' }));
    json(res, 404, { error: 'not found' });
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
