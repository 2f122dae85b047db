/**
 * tRPC's Server-Sent Events wire format (`@trpc/server`'s `sseStreamProducer`), so
 * the lean stream writer answers exactly what `httpSubscriptionLink` expects: a
 * `connected` event with the client options, `data:` + `id:` per tracked message,
 * `ping` events, `return` when the stream has nothing more to say, and
 * `serialized-error` with the procedure's error shape.
 */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

export const PING_FRAME = Buffer.from('event: ping\ndata: \n\n');
export const RETURN_FRAME = Buffer.from('event: return\ndata: \n\n');

export function connectedFrame(clientOptions: { reconnectAfterInactivityMs?: number }): Buffer {
  return Buffer.from(`event: connected\ndata: ${JSON.stringify(clientOptions)}\n\n`);
}

/** One tracked message. JSON never holds a raw line break, so `data` stays one line. */
export function dataFrame(id: string, message: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(message)}\nid: ${id}\n\n`);
}

/** An error in the procedure's error shape; `retryMs` tells EventSource how long to wait before reconnecting. */
export function errorFrame(shape: unknown, retryMs?: number): Buffer {
  const retry = retryMs === undefined ? '' : `retry: ${Math.round(retryMs)}\n`;
  return Buffer.from(`${retry}event: serialized-error\ndata: ${JSON.stringify(shape)}\n\n`);
}
