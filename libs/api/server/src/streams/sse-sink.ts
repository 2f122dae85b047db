import type { ServerResponse } from 'node:http';
import { connectedFrame, PING_FRAME, RETURN_FRAME, SSE_HEADERS, type StreamEnd, type StreamSink } from '@storyline/realtime';

export interface SseSinkOptions {
  /** Bytes a stream may have waiting for its client; past it the stream is ended so the client resumes. */
  maxBufferedBytes: number;
  /** How long an ended stream's client is given to take its last bytes before the connection is cut. */
  closeGraceMs: number;
  /** How long a replay waits for a client that stopped reading before ending its stream. */
  stallTimeoutMs: number;
  clientOptions: { reconnectAfterInactivityMs?: number };
  /** The `serialized-error` frame for a stream ended with a reason its client must hear. */
  errorFrame(end: Extract<StreamEnd, { message: string }>): Buffer;
  /** Why each stream ended: a {@link StreamEnd} kind, `refused` or `client-gone`. */
  onEnd?(reason: string): void;
}

export interface SseSink<M> extends StreamSink<M> {
  /** Ends the stream with an error frame made by the caller (a refused subscription, a failed read). */
  fail(frame: Buffer, reason: string): void;
}

/**
 * A Server-Sent Events response written straight to the socket in tRPC's wire format:
 * no web streams, no per-message serialising; frames arrive encoded. A client that
 * does not read fills only its own bounded buffer, and is then ended so it resumes
 * from its last event instead of holding memory.
 */
export function createSseSink<M>(res: ServerResponse, options: SseSinkOptions): SseSink<M> {
  const listeners: Array<() => void> = [];
  let closed = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const markClosed = (reason: string) => {
    if (closed) return;
    closed = true;
    options.onEnd?.(reason);
    for (const listener of listeners.splice(0)) listener();
  };
  const finish = (frame: Buffer | null, reason: string) => {
    if (closed) return;
    markClosed(reason);
    if (frame) res.end(frame);
    else res.end();
    if (!res.writableFinished) {
      graceTimer = setTimeout(() => res.destroy(), options.closeGraceMs);
      graceTimer.unref();
    }
  };

  res.on('close', () => {
    clearTimeout(graceTimer);
    markClosed('client-gone');
  });
  // A write racing a reset connection reports here; the close above does the rest.
  res.on('error', () => undefined);
  res.socket?.setKeepAlive(true, 30_000);
  // The body runs until the stream ends, so it needs no chunk framing: each frame is one
  // plain socket write, and the connection closes with the stream (EventSource opens a new one).
  res.useChunkedEncodingByDefault = false;
  res.writeHead(200, SSE_HEADERS);
  res.write(connectedFrame(options.clientOptions));

  const sink: SseSink<M> = {
    get closed() {
      return closed;
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
    send(delivery) {
      if (closed) return;
      // Judged before writing, so one large frame (a snapshot) never counts as falling behind;
      // the event not written is in the table, and the client resumes from the one before it.
      if (res.writableLength >= options.maxBufferedBytes) {
        const kib = Math.round(options.maxBufferedBytes / 1024);
        return sink.end({ kind: 'retry', message: `This stream fell more than ${kib} KiB behind its events; reconnect to resume after your last event.` });
      }
      res.write(delivery.frame());
    },
    ready() {
      if (closed || !res.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve) => {
        // A client that stops reading in the middle of a replay gives its slot back too.
        const stalled = setTimeout(() => {
          sink.end({ kind: 'retry', message: 'This stream stopped taking its replay; reconnect to resume after your last event.' });
          done();
        }, options.stallTimeoutMs);
        const done = () => {
          clearTimeout(stalled);
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
    ping() {
      // Bytes still waiting already keep the connection busy; a ping would only add to them.
      if (!closed && res.writableLength === 0) res.write(PING_FRAME);
    },
    end(reason) {
      if (reason.kind === 'complete') return finish(RETURN_FRAME, reason.kind);
      if (reason.kind === 'shutdown') return finish(null, reason.kind);
      finish(options.errorFrame(reason), reason.kind);
    },
    fail(frame, reason) {
      finish(frame, reason);
    },
  };
  return sink;
}
