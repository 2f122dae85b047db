import type { JobEvent, UserStreamMessage, WatchedJobMessage, WatchJobInput } from '@storyline/contracts';
import type { TestClient } from './test-stack';

/** A stream a test holds open: every message with its event id, as it arrived. */
export interface OpenStream<T> {
  messages: Array<{ id: string; data: T }>;
  /** The error the stream ended with, if it did. */
  error(): unknown;
  close(): void;
  /** Resolves once `predicate` holds for the messages so far; the timeout only turns a hang into a failure. */
  until(predicate: (messages: Array<{ id: string; data: T }>) => boolean, timeoutMs?: number): Promise<void>;
}

function holdOpen<T>(subscribe: (on: { onData(message: unknown): void; onError(error: unknown): void }) => { unsubscribe(): void }): OpenStream<T> {
  const messages: Array<{ id: string; data: T }> = [];
  let failure: unknown;
  const subscription = subscribe({
    onData: (message) => messages.push(message as { id: string; data: T }),
    onError: (error) => (failure = error),
  });
  return {
    messages,
    error: () => failure,
    close: () => subscription.unsubscribe(),
    async until(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`stream condition not met; got ${messages.map(describe).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** A message in a failure's text: its id and kind, and for an event its job and seq. */
function describe({ id, data }: { id: string; data: unknown }): string {
  const message = data as { kind: string; event?: JobEvent };
  return message.event ? `${id}:${message.event.jobId.slice(0, 8)}#${message.event.seq}` : `${id}:${message.kind}`;
}

/** Opens `jobs.onMyJobs`, fresh or resuming after `lastEventId`. */
export function openUserStream(client: TestClient, lastEventId?: string): OpenStream<UserStreamMessage> {
  return holdOpen((on) => client.jobs.onMyJobs.subscribe({ lastEventId }, on));
}

/** Opens `jobs.watch` for one job. */
export function openWatch(client: TestClient, input: WatchJobInput): OpenStream<WatchedJobMessage> {
  return holdOpen((on) => client.jobs.watch.subscribe(input, on));
}

/** The events of one job a stream carried, in the order they arrived. */
export function eventsOf(stream: OpenStream<UserStreamMessage> | OpenStream<WatchedJobMessage>, jobId: string): JobEvent[] {
  return stream.messages.flatMap(({ data }) => (data.kind === 'event' && data.event.jobId === jobId ? [data.event] : []));
}
