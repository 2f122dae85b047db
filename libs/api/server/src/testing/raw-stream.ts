import { connect, type Socket } from 'node:net';

export interface SseFrame {
  event?: string;
  data?: string;
  id?: string;
  retry?: string;
}

export interface RawStream {
  socket: Socket;
  /** Every byte received so far, as text. */
  text(): string;
  /** The complete frames received so far (after the HTTP head). */
  frames(): SseFrame[];
  /** The frames' parsed `data` of plain (unnamed) events, with their ids. */
  messages<T = unknown>(): Array<{ id?: string; data: T }>;
  /** Resolves when the connection is over, from either side. */
  closed: Promise<void>;
}

export interface RawStreamOptions {
  cookie?: string;
  path?: string;
  input?: unknown;
  /** Sent as the `Last-Event-ID` header, as EventSource does when it reconnects. */
  lastEventId?: string;
  /** A raw query string to use instead of `input`. */
  query?: string;
}

/**
 * An SSE client over a bare socket, so a test can misbehave at any byte: hang up
 * before the headers, stop reading, or read one frame and vanish.
 */
export function openRawStream(baseUrl: string, options: RawStreamOptions = {}): RawStream {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  socket.on('error', () => undefined);
  const query = options.query ?? (options.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(options.input))}`);
  const head = [
    `GET /trpc/${options.path ?? 'jobs.onMyJobs'}${query} HTTP/1.1`,
    `host: ${hostname}:${port}`,
    'accept: text/event-stream',
    options.cookie ? `cookie: ${options.cookie}` : '',
    options.lastEventId ? `last-event-id: ${options.lastEventId}` : '',
    '',
    '',
  ].filter((line, index, lines) => line !== '' || index >= lines.length - 2);
  socket.write(head.join('\r\n'));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const text = () => Buffer.concat(chunks).toString('utf8');
  const frames = () => parseFrames(Buffer.concat(chunks));
  return {
    socket,
    text,
    frames,
    messages<T>() {
      return frames()
        .filter((frame) => frame.event === undefined && frame.data !== undefined)
        .map((frame) => ({ id: frame.id, data: JSON.parse(frame.data as string) as T }));
    },
    closed,
  };
}

function parseFrames(raw: Buffer): SseFrame[] {
  const bodyStart = raw.indexOf('\r\n\r\n');
  if (bodyStart < 0) return [];
  const chunked = /^transfer-encoding: chunked$/im.test(raw.subarray(0, bodyStart).toString('latin1'));
  const body = raw.subarray(bodyStart + 4);
  const blocks = (chunked ? dechunk(body) : body).toString('utf8').split('\n\n');
  blocks.pop();
  return blocks
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        const colon = line.indexOf(': ');
        if (colon < 0) continue;
        const field = line.slice(0, colon) as keyof SseFrame;
        if (['event', 'data', 'id', 'retry'].includes(field)) frame[field] = line.slice(colon + 2);
      }
      return frame;
    });
}

/** Undoes HTTP/1.1 chunked transfer encoding, tolerating a last chunk still on its way. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) break;
    const size = Number.parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    const chunk = rest.subarray(lineEnd + 2, lineEnd + 2 + size);
    parts.push(chunk);
    if (chunk.length < size) break;
    rest = rest.subarray(lineEnd + 2 + size + 2);
  }
  return Buffer.concat(parts);
}
