import type { WatchedJobMessage, WatchJobInput } from '@storyline/contracts';
import type { TestClient } from './test-stack';

export interface Received {
  id: string;
  data: WatchedJobMessage;
}

/** Watches a job until its stream ends, returning every message with its event id. */
export function collectWatch(client: TestClient, input: WatchJobInput, timeoutMs = 20_000): Promise<Received[]> {
  return new Promise((resolve, reject) => {
    const received: Received[] = [];
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`watch did not end within ${timeoutMs} ms; got ${JSON.stringify(received.map((r) => r.id))}`));
    }, timeoutMs);
    const subscription = client.jobs.watch.subscribe(input, {
      onData: (message) => received.push(message as Received),
      onError: (error) => {
        clearTimeout(timer);
        subscription.unsubscribe();
        reject(error);
      },
      onComplete: () => {
        clearTimeout(timer);
        resolve(received);
      },
    });
  });
}
