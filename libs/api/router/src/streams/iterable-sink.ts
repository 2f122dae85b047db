import { tracked, TRPCError, type TrackedEnvelope } from '@trpc/server';
import type { StreamDelivery, StreamEnd, StreamSink } from '@storyline/realtime';

export interface IterableSink<M> extends StreamSink<M> {
  /** Ends the stream with this error, thrown to the reader once it has the messages before it. */
  fail(error: TRPCError): void;
}

/**
 * A sink read as an async iterable, for the subscriptions reached through tRPC itself
 * (in-process callers); HTTP clients get the lean SSE writer. Bounded like it: replays
 * wait while `maxQueued` messages are unread, and a live reader that far behind is
 * ended with a retryable error.
 */
export function createIterableSink<M>(maxQueued: number, signal: AbortSignal | undefined) {
  const queue: Array<StreamDelivery<M>> = [];
  const listeners: Array<() => void> = [];
  const roomWaiters: Array<() => void> = [];
  let ended: StreamEnd | null = null;
  let failure: TRPCError | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const close = (reason: StreamEnd) => {
    if (ended) return;
    ended = reason;
    notify();
    for (const resolve of roomWaiters.splice(0)) resolve();
    for (const listener of listeners.splice(0)) listener();
  };
  if (signal?.aborted) close({ kind: 'shutdown' });
  else signal?.addEventListener('abort', () => close({ kind: 'shutdown' }), { once: true });

  const sink: IterableSink<M> = {
    get closed() {
      return ended !== null;
    },
    onClose(listener) {
      if (ended) listener();
      else listeners.push(listener);
    },
    send(delivery) {
      if (ended) return;
      if (queue.length >= maxQueued) return close({ kind: 'retry', message: `This stream fell more than ${maxQueued} messages behind; resubscribe with your last event id.` });
      queue.push(delivery);
      notify();
    },
    ready: () => (ended || queue.length < maxQueued / 2 ? Promise.resolve() : new Promise<void>((resolve) => roomWaiters.push(resolve))),
    ping: () => undefined,
    end: close,
    fail(error) {
      failure = error;
      close({ kind: 'retry', message: error.message });
    },
  };

  async function* messages(): AsyncGenerator<TrackedEnvelope<M>> {
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          if (queue.length < maxQueued / 2) for (const resolve of roomWaiters.splice(0)) resolve();
          yield tracked(next.id, next.message);
          continue;
        }
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const reason = ended as StreamEnd;
      if (failure) throw failure;
      if (reason.kind === 'retry') throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: reason.message });
      if (reason.kind === 'session-ended') throw new TRPCError({ code: 'UNAUTHORIZED', message: reason.message });
    } finally {
      close({ kind: 'shutdown' });
    }
  }
  return { sink, messages: messages() };
}
