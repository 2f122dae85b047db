import { describe, expect, it } from 'vitest';
import { until } from '../../../../../tools/testing/eventually';
import { createQueuePoller } from './queue-poller';

const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

describe('the queue poller', () => {
  it('leaves no timer behind once stopped, whether idling, in a burst or waiting for a message to reappear', async () => {
    let receives = 0;
    const poller = createQueuePoller({ receive: async () => ((receives += 1), 0), idleMaxMs: 60_000, onError: () => undefined });
    await until(() => receives >= 3, 'a few idle receives');
    poller.wake();
    poller.wakeAt(Date.now() + 60_000);
    await until(() => receives >= 5, 'the burst to begin');
    // Its receives end at once, so between two looks the poller holds exactly one timer.
    const pending = timers();
    await poller.stop();
    expect(timers()).toBe(pending - 1);
    const stoppedAt = receives;
    poller.wake();
    poller.look();
    expect(timers()).toBe(pending - 1);
    expect(receives).toBe(stoppedAt);
  });

  it('counts a failed receive as an empty one and keeps looking, its error reported', async () => {
    const errors: unknown[] = [];
    let receives = 0;
    const poller = createQueuePoller({
      receive: async () => {
        receives += 1;
        throw new Error(`storage unreachable (${receives})`);
      },
      idleMaxMs: 100,
      onError: (error) => errors.push(error),
    });
    await until(() => receives >= 4, 'receives to go on after failures');
    await poller.stop();
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(String(errors[0])).toMatch(/storage unreachable \(1\)/);
  });

  it('looks once more, right away, when a slot frees after a look found the worker full', async () => {
    let full = true;
    let looks = 0;
    const poller = createQueuePoller({ receive: async () => ((looks += 1), full ? 'full' : 0), idleMaxMs: 60_000, onError: () => undefined });
    await until(() => looks >= 8, 'the poller to back off while full');
    const seen = looks;
    full = false;
    poller.capacityFreed();
    // The next look of the backoff is more than 6 s away.
    await until(() => looks > seen, 'a look once a slot freed', 1_000);
    await poller.stop();
  });
});
