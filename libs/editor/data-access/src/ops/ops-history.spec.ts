import { describe, expect, it } from 'vitest';
import type { OpsSample } from '@storyline/contracts';
import { OpsHistory } from './ops-history';

const T0 = Date.parse('2026-01-01T12:00:00Z');

function sample(process: string, second: number, extra: Partial<OpsSample> = {}): OpsSample {
  return {
    process,
    at: new Date(T0 + second * 1000).toISOString(),
    intervalSec: 5,
    streams: { feed: second, job: 0 },
    eventsPerSec: second,
    latencyMs: { p50: 1, p99: 2 },
    ...extra,
  };
}

describe('OpsHistory', () => {
  it('keeps only the newest samples of each process, dropping the oldest first', () => {
    let history = OpsHistory.empty(3);
    for (let second = 1; second <= 5; second += 1) history = history.add(sample('a:1', second), T0 + second * 1000);
    expect(history.size('a:1')).toBe(3);
    expect(history.series((s) => s.eventsPerSec)).toEqual([
      { process: 'a:1', points: [3, 4, 5].map((second) => ({ at: T0 + second * 1000, value: second })) },
    ]);
  });

  it('keeps each process apart and answers their newest samples in order', () => {
    const history = OpsHistory.empty().add(sample('b:2', 1), T0).add(sample('a:1', 2), T0).add(sample('b:2', 3), T0);
    expect(history.latest().map((s) => [s.process, s.streams.feed])).toEqual([
      ['a:1', 2],
      ['b:2', 3],
    ]);
  });

  it('forgets a process that went silent for a minute', () => {
    const history = OpsHistory.empty().add(sample('a:1', 0), T0).add(sample('b:2', 61), T0 + 61_000);
    expect(history.latest().map((s) => s.process)).toEqual(['b:2']);
  });

  it('keeps the newest queue figures, whichever process read them', () => {
    const queues = [{ type: 'story-publish' as const, depth: 2, poisoned: 1 }];
    const history = OpsHistory.empty()
      .add(sample('a:1', 1, { queues }), T0)
      .add(sample('b:2', 2), T0)
      .add(sample('a:1', 0, { queues: [] }), T0);
    expect(history.queues).toEqual({ at: T0 + 1000, figures: queues });
  });
});
