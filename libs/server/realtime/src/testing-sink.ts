import type { StreamDelivery, StreamEnd, StreamSink } from './stream-sink';

/** A sink that records what a subscription sends, for the lib's own specs. */
export function recordingSink<M>(): StreamSink<M> & { sent: Array<StreamDelivery<M>>; endedWith: StreamEnd | null } {
  const listeners: Array<() => void> = [];
  const sink = {
    sent: [] as Array<StreamDelivery<M>>,
    endedWith: null as StreamEnd | null,
    get closed() {
      return sink.endedWith !== null;
    },
    onClose(listener: () => void) {
      if (sink.endedWith) listener();
      else listeners.push(listener);
    },
    send(delivery: StreamDelivery<M>) {
      sink.sent.push(delivery);
    },
    ready: () => Promise.resolve(),
    ping: () => undefined,
    end(reason: StreamEnd) {
      if (sink.endedWith) return;
      sink.endedWith = reason;
      for (const listener of listeners.splice(0)) listener();
    },
  };
  return sink;
}
