import { describe, expect, it } from 'vitest';
import type { WatchedJobMessage } from '@storyline/contracts';
import { WatchedJobStream } from './watched-job-stream';
import { StreamIndex, StreamLimitError } from './stream-index';
import { recordingSink } from './testing-sink';

const account = (userId: string, sessionKey = `s-${userId}`) => ({ userId, seesAll: false, sessionKey, expiresAt: new Date(Date.now() + 60_000) });
const subscription = () => {
  const sink = recordingSink<WatchedJobMessage>();
  return new WatchedJobStream({ sink, jobId: 'j', afterSeq: null, readJob: async () => null, readEventsAfter: async () => [], maxPending: 1, replayBatch: 1 });
};

describe('StreamIndex', () => {
  it('refuses a burst of streams beyond a user’s limit, counting each as it is added', () => {
    const index = new StreamIndex({ maxStreams: 100, maxStreamsPerUser: 3 });
    const results = Array.from({ length: 10 }, () => {
      try {
        index.add(subscription(), account('alice'), 'job', 'j');
        return 'added';
      } catch (error) {
        return error instanceof StreamLimitError ? error.limit : 'other';
      }
    });
    expect(results.filter((r) => r === 'added')).toHaveLength(3);
    expect(results.filter((r) => r === 'user')).toHaveLength(7);
  });

  it('refuses a stream of a session that ended while the stream was opening', () => {
    const index = new StreamIndex({ maxStreams: 100, maxStreamsPerUser: 100 });
    expect(index.endSession('s-alice')).toEqual([]);
    expect(() => index.add(subscription(), account('alice'), 'job', 'j')).toThrow(StreamLimitError);
    expect(() => index.add(subscription(), account('alice', 'another session'), 'job', 'j')).not.toThrow();
  });

  it('forgets a stream and its user, session and job entries when its sink closes', () => {
    const index = new StreamIndex({ maxStreams: 100, maxStreamsPerUser: 100 });
    const one = subscription();
    index.add(one, account('alice'), 'job', 'j');
    expect(index.counts()).toEqual({ feed: 0, job: 1 });
    one.sink.end({ kind: 'shutdown' });
    expect(index.counts()).toEqual({ feed: 0, job: 0 });
    expect(index.countFor('alice')).toBe(0);
    expect(index.byJob.size).toBe(0);
    expect(index.sessionKeys()).toEqual([]);
  });
});
