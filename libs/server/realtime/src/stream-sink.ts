import { dataFrame } from './sse-frames';

/** Why a stream ends; the transport turns each into what its client understands. */
export type StreamEnd =
  /** Nothing more to say (a watched job ended): the client stops. */
  | { kind: 'complete' }
  /** The client fell further behind than its bound, or the server could not read: reconnect and resume from the last id. */
  | { kind: 'retry'; message: string }
  /** The session was logged out or expired: the client must log in again. */
  | { kind: 'session-ended'; message: string }
  /** This process is stopping: the client reconnects, to another process if there is one. */
  | { kind: 'shutdown' };

/** One message for a stream; its SSE frame is encoded at most once, however many streams send it. */
export interface StreamDelivery<M> {
  readonly id: string;
  readonly message: M;
  frame(): Buffer;
}

export function createDelivery<M>(id: string, message: M): StreamDelivery<M> {
  let frame: Buffer | undefined;
  return { id, message, frame: () => (frame ??= dataFrame(id, message)) };
}

/** Where a stream's messages go: an SSE response, or an async iterable for in-process callers. */
export interface StreamSink<M> {
  readonly closed: boolean;
  /** Called once, when the stream is over for whatever reason. */
  onClose(listener: () => void): void;
  /** Sends at once; a sink whose bound is exceeded ends itself with `retry`. */
  send(delivery: StreamDelivery<M>): void;
  /** Resolves when the sink has room again (or is closed), so replays go at the client's pace. */
  ready(): Promise<void>;
  /** A keep-alive; sinks with their own keep-alive ignore it. */
  ping(): void;
  end(reason: StreamEnd): void;
}
