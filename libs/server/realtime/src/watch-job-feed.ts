import { on } from 'node:events';
import type { JobFeedMessage, JobTypeFlag } from '@storyline/contracts';
import { compareFeedPositions } from './feed-position';
import { FEED, type FeedItem, type JobFeed } from './job-feed';

export interface WatchJobFeedOptions {
  feed: JobFeed;
  /** Whose jobs: one owner's, or everybody's (admins). */
  ownerId: string | null;
  /** The last position the client saw; null for a fresh start with a snapshot. */
  after: string | null;
  readFlags: () => Promise<JobTypeFlag[]>;
  signal: AbortSignal;
}

/**
 * Every event of one user's jobs (or of all jobs) over one stream. A fresh start
 * sends the current state of the jobs concerned and the flags, then changes; a
 * resume sends the flags, then exactly the events after the client's position. The
 * live source is opened first and every event is checked against what was sent, so
 * the hand-over from reading to listening neither skips nor repeats an event.
 */
export async function* watchJobFeed(options: WatchJobFeedOptions): AsyncGenerator<{ id: string; message: JobFeedMessage }> {
  const { feed, ownerId, signal } = options;
  const live = on(feed.events, FEED, { signal }) as AsyncIterableIterator<[FeedItem]>;
  try {
    let sent: string;
    /** Per job, the newest sequence the snapshot already reflects. */
    const reflected = new Map<string, number>();
    if (options.after === null) {
      const [{ jobs, position }, flags] = await Promise.all([feed.snapshot(ownerId), options.readFlags()]);
      for (const job of jobs) reflected.set(job.id, job.lastSeq);
      sent = position;
      yield { id: sent, message: { kind: 'snapshot', jobs, flags } };
    } else {
      sent = options.after;
      yield { id: sent, message: { kind: 'flags', flags: await options.readFlags() } };
      for (;;) {
        const batch = await feed.readAfter(sent, ownerId, 500);
        for (const item of batch) {
          sent = item.position;
          yield { id: sent, message: { kind: 'event', jobType: item.jobType, event: item.event } };
        }
        if (batch.length < 500) break;
      }
    }
    for await (const [entry] of live) {
      if (entry.type === 'flags') {
        yield { id: sent, message: { kind: 'flags', flags: entry.flags } };
        continue;
      }
      const { item } = entry;
      if (ownerId && item.ownerId !== ownerId) continue;
      if (compareFeedPositions(item.position, sent) <= 0) continue;
      const seen = reflected.get(item.event.jobId);
      if (seen !== undefined && item.event.seq <= seen) continue;
      sent = item.position;
      yield { id: sent, message: { kind: 'event', jobType: item.jobType, event: item.event } };
    }
  } finally {
    await live.return?.();
  }
}
