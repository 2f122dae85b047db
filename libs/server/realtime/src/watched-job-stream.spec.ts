import { describe, expect, it } from 'vitest';
import type { JobEvent, WatchedJobMessage, JobView } from '@storyline/contracts';
import { WatchedJobStream } from './watched-job-stream';
import { createDelivery } from './stream-sink';
import { recordingSink } from './testing-sink';

const JOB = '7b0c8a2e-2b8c-4a55-9e57-3c9b0d3f1a10';
const progress = (seq: number): JobEvent => ({ jobId: JOB, seq, at: new Date().toISOString(), kind: 'progress', progress: seq, message: null });
const completed = (seq: number): JobEvent => ({ jobId: JOB, seq, at: new Date().toISOString(), kind: 'completed', result: {} });
const job = (lastSeq: number, status: JobView['status'] = 'Running') => ({ id: JOB, status, lastSeq }) as JobView;

/** A job's event table the test writes to, and the reads it answers, one at a time when held. */
function table(initial: JobEvent[]) {
  const events = [...initial];
  let hold: Promise<void> | null = null;
  return {
    events,
    holdReads() {
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      return () => {
        hold = null;
        release();
      };
    },
    readEventsAfter: async (_jobId: string, afterSeq: number) => {
      if (hold) await hold;
      return events.filter((event) => event.seq > afterSeq).sort((a, b) => a.seq - b.seq);
    },
  };
}

const seqsOf = (sent: Array<{ message: WatchedJobMessage }>) => sent.flatMap((d) => (d.message.kind === 'event' ? [d.message.event.seq] : []));
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('WatchedJobStream', () => {
  it('does not go live on a hole among the events that arrived while it read back a gap', async () => {
    const events = table([progress(1), progress(2)]);
    const sink = recordingSink<WatchedJobMessage>();
    const subscription = new WatchedJobStream({ sink, jobId: JOB, afterSeq: 2, readJob: async () => job(2), readEventsAfter: events.readEventsAfter, maxPending: 100, replayBatch: 50 });
    await subscription.start();
    const offer = (event: JobEvent) => subscription.offer(event, () => createDelivery(String(event.seq), { kind: 'event', event }));

    // 4 arrives before 3 (its writer committed later): a gap, read back from the table…
    events.events.push(progress(3), progress(4));
    const release = events.holdReads();
    offer(progress(4));
    // …while 5 and 7 arrive, but not 6 (again committed out of order).
    events.events.push(progress(5), progress(6), progress(7));
    offer(progress(5));
    offer(progress(7));
    release();
    await flush();
    offer(progress(6));
    events.events.push(completed(8));
    offer(completed(8));
    await flush();

    expect(seqsOf(sink.sent)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(sink.endedWith).toEqual({ kind: 'complete' });
  });

  it('ends a gap it cannot read back with a retryable error instead of going quiet', async () => {
    const sink = recordingSink<WatchedJobMessage>();
    let fail = false;
    const subscription = new WatchedJobStream({
      sink,
      jobId: JOB,
      afterSeq: 1,
      readJob: async () => job(1),
      readEventsAfter: async () => {
        if (fail) throw new Error('connection lost');
        return [];
      },
      maxPending: 100,
      replayBatch: 50,
    });
    await subscription.start();
    fail = true;
    subscription.offer(progress(3), () => createDelivery('3', { kind: 'event', event: progress(3) }));
    await flush();
    expect(sink.endedWith?.kind).toBe('retry');
  });

  it('returns at once when resuming a finished job whose every event the client has', async () => {
    const sink = recordingSink<WatchedJobMessage>();
    const subscription = new WatchedJobStream({ sink, jobId: JOB, afterSeq: 5, readJob: async () => job(5, 'Completed'), readEventsAfter: async () => [], maxPending: 10, replayBatch: 50 });
    await subscription.start();
    expect(sink.sent).toEqual([]);
    expect(sink.endedWith).toEqual({ kind: 'complete' });
  });
});
