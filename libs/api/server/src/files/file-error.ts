import type { ServerResponse } from 'node:http';

/** A refused file request: an HTTP status and a sentence for the user. */
export class FileRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FileRequestError';
  }
}

/**
 * Answers `{ error: { code, message } }`. The connection closes afterwards when the
 * request body was not read to its end, so an unread upload is not parsed as the next request.
 */
export function sendFileError(res: ServerResponse, error: FileRequestError, bodyUnread = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (bodyUnread) headers['connection'] = 'close';
  res.writeHead(error.status, headers);
  res.end(JSON.stringify({ error: { code: error.code, message: error.message } }));
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
