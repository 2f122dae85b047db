import { on } from 'node:events';
import { isTerminalEvent, isTerminalStatus, type JobEvent, type JobStreamMessage, type JobView } from '@storyline/contracts';
import type { JobFeed } from './job-feed';

export interface WatchJobSource {
  feed: JobFeed;
  readJob(jobId: string): Promise<JobView>;
  readEventsAfter(jobId: string, afterSeq: number): Promise<JobEvent[]>;
}

export interface WatchedMessage {
  /** The sequence number the client sends back as its last event id. */
  id: number;
  message: JobStreamMessage;
}

/**
 * Streams one job: its current state (or, when resuming, exactly the events after
 * `afterSeq`), then every new event until a terminal one. The live source is opened
 * before anything is read, and every event is checked against the last sequence
 * sent, so nothing is missed in between and nothing is sent twice.
 */
export async function* watchJob(
  source: WatchJobSource,
  jobId: string,
  afterSeq: number | null,
  signal: AbortSignal,
): AsyncGenerator<WatchedMessage> {
  const live = on(source.feed.events, jobId, { signal }) as AsyncIterableIterator<[JobEvent]>;
  try {
    let sent: number;
    if (afterSeq === null) {
      const job = await source.readJob(jobId);
      yield { id: job.lastSeq, message: { kind: 'snapshot', job } };
      if (isTerminalStatus(job.status)) return;
      sent = job.lastSeq;
    } else {
      sent = afterSeq;
    }
    const catchUp = async function* () {
      for (const event of await source.readEventsAfter(jobId, sent)) {
        if (event.seq <= sent) continue;
        sent = event.seq;
        yield event;
      }
    };
    for await (const event of catchUp()) {
      yield { id: event.seq, message: { kind: 'event', event } };
      if (isTerminalEvent(event)) return;
    }
    for await (const [item] of live) {
      // A gap means two writers of this job committed out of order: read the missing ones back.
      const missed = item.seq > sent + 1;
      const batch = missed ? catchUp() : single(item, sent);
      for await (const event of batch) {
        sent = Math.max(sent, event.seq);
        yield { id: event.seq, message: { kind: 'event', event } };
        if (isTerminalEvent(event)) return;
      }
    }
  } finally {
    await live.return?.();
  }
}

async function* single(event: JobEvent, sent: number) {
  if (event.seq > sent) yield event;
}
