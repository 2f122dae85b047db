import type { WatchedJobMessage, WatchJobInput } from '@storyline/contracts';
import type { TestClient } from './test-stack';

export interface Received {
  id: string;
  data: WatchedJobMessage;
}

/**
 * Watches a job until its stream ends, returning every message with its event id.
 * `onFirst` runs when the first message (the snapshot) arrives: a test that must start
 * its worker only after the snapshot was taken waits for it there, not for a guessed delay.
 */
export function collectWatch(
  client: TestClient,
  input: WatchJobInput,
  { timeoutMs = 20_000, onFirst }: { timeoutMs?: number; onFirst?: () => void } = {},
): Promise<Received[]> {
  return new Promise((resolve, reject) => {
    const received: Received[] = [];
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`watch did not end within ${timeoutMs} ms; got ${JSON.stringify(received.map((r) => r.id))}`));
    }, timeoutMs);
    const subscription = client.jobs.watch.subscribe(input, {
      onData: (message) => {
        if (received.push(message as Received) === 1) onFirst?.();
      },
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
