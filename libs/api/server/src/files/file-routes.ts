import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError } from '@storyline/contracts';
import type { Logger } from 'pino';
import { type Context, errorReference } from '@storyline/api-router';
import type { ApiMetrics } from '../http/api-metrics';
import { serveDownload } from './downloads';
import { FileRequestError, sendFileError } from './file-error';
import { uploadImport } from './import-upload';
import { fileErrorOf, serveMedia, uploadMedia } from './media-files';
import { serveWorldImage, uploadWorldImage, worldKindOf } from './world-images';

export interface FileRoutesOptions {
  createContext: (opts: { req: IncomingMessage; res: ServerResponse }) => Promise<Context>;
  log: Logger;
  /** Uploads one process takes at once, and one user; more are refused before their body is read. */
  uploadLimits: UploadLimits;
  metrics: ApiMetrics;
}

export interface UploadLimits {
  maxUploads: number;
  maxUploadsPerUser: number;
}

/** 32 uploads in flight per process (each holds at most two storage blocks), 4 per user. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { maxUploads: 32, maxUploadsPerUser: 4 };

/**
 * The routes that carry files, beside tRPC because their bodies are bytes:
 * `POST /files/media`, `GET /files/media/<id>`, `POST /files/imports`,
 * `GET /files/downloads/<id>`, `POST|GET /files/regions/<id>/image` and
 * `POST|GET /files/heroes/<id>/image` (`?version=N`: a version's). Every refusal is `{ error: { code, message } }`.
 */
export function createFileRoutes(options: FileRoutesOptions) {
  const { log, uploadLimits, metrics } = options;
  const uploads = { total: 0, byUser: new Map<string, number>() };
  /** Counts an upload until its response closes; refuses it when a bound is reached. */
  const admitUpload = (userId: string, res: ServerResponse) => {
    const mine = uploads.byUser.get(userId) ?? 0;
    if (uploads.total >= uploadLimits.maxUploads) {
      metrics.uploadsRefused.inc({ reason: 'busy' });
      res.setHeader('retry-after', '5');
      throw new FileRequestError(503, 'BUSY', 'The server is taking as many uploads as it can; try again in a few seconds');
    }
    if (mine >= uploadLimits.maxUploadsPerUser) {
      metrics.uploadsRefused.inc({ reason: 'user' });
      res.setHeader('retry-after', '5');
      throw new FileRequestError(429, 'TOO_MANY_UPLOADS', `At most ${uploadLimits.maxUploadsPerUser} uploads may run at once; wait for one to finish`);
    }
    uploads.total += 1;
    uploads.byUser.set(userId, mine + 1);
    metrics.uploadsInFlight.set(uploads.total);
    res.once('close', () => {
      uploads.total -= 1;
      metrics.uploadsInFlight.set(uploads.total);
      const left = (uploads.byUser.get(userId) ?? 1) - 1;
      if (left > 0) uploads.byUser.set(userId, left);
      else uploads.byUser.delete(userId);
    });
  };
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const [, , area, id, ...rest] = url.pathname.split('/');
    const isUpload = method === 'POST';
    const worldKind = worldKindOf(area);
    try {
      if (worldKind && id && rest.length === 1 && rest[0] === 'image') {
        const ctx = await options.createContext({ req, res });
        if (isUpload && ctx.user) admitUpload(ctx.user.id, res);
        if (method === 'POST') return await uploadWorldImage(ctx, worldKind, req, res, id);
        if (method === 'GET') return await serveWorldImage(ctx, worldKind, res, id, url);
        throw new FileRequestError(405, 'METHOD_NOT_ALLOWED', 'method not allowed');
      }
      if (rest.length > 0) throw new FileRequestError(404, 'NOT_FOUND', 'not found');
      // A link is its own authority; everything else needs the session.
      if (area === 'downloads' && id && method === 'GET') return await serveDownload(await options.createContext({ req, res }), res, id, url);
      const ctx = await options.createContext({ req, res });
      if (isUpload && ctx.user && (area === 'media' || area === 'imports') && !id) admitUpload(ctx.user.id, res);
      if (area === 'media' && !id && method === 'POST') return await uploadMedia(ctx, req, res, url);
      if (area === 'media' && id && method === 'GET') return await serveMedia(ctx, res, id);
      if (area === 'imports' && !id && method === 'POST') return await uploadImport(ctx, req, res);
      throw new FileRequestError(isKnown(area) ? 405 : 404, isKnown(area) ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND', isKnown(area) ? 'method not allowed' : 'not found');
    } catch (error) {
      if (error instanceof FileRequestError) return sendFileError(res, error, isUpload && !req.readableEnded);
      if (error instanceof DomainError) return sendFileError(res, fileErrorOf(error), isUpload && !req.readableEnded);
      if (req.destroyed || res.destroyed) return;
      const reference = errorReference(error instanceof Error ? error : new Error(String(error)));
      log.error({ err: error, path: url.pathname, reference }, 'file request failed');
      sendFileError(res, new FileRequestError(500, 'INTERNAL', `internal error (reference ${reference})`), isUpload && !req.readableEnded);
    }
  };
}

const isKnown = (area: string | undefined) => area === 'media' || area === 'imports' || area === 'downloads';
