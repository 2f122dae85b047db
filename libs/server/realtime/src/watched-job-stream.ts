import { isTerminalEvent, isTerminalStatus, type JobEvent, type WatchedJobMessage, type JobView } from '@storyline/contracts';
import { createDelivery, type StreamDelivery, type StreamSink } from './stream-sink';

export type WatchedJobDelivery = StreamDelivery<WatchedJobMessage>;

export interface WatchedJobStreamOptions {
  sink: StreamSink<WatchedJobMessage>;
  jobId: string;
  /** The last sequence the client saw; null for a fresh start with the job's state. */
  afterSeq: number | null;
  readJob(jobId: string): Promise<JobView | null>;
  readEventsAfter(jobId: string, afterSeq: number, limit: number): Promise<JobEvent[]>;
  maxPending: number;
  replayBatch: number;
}

/**
 * One `jobs.watch` stream: the job's state (or, resuming, exactly the events after
 * the client's sequence), then each new event, ending after the terminal one. A gap
 * in the live sequence (two writers of the job committed out of order) is read back
 * from the table before going on.
 */
export class WatchedJobStream {
  readonly jobId: string;
  private sent = 0;
  private live = false;
  private catchingUp = false;
  private pending: JobEvent[] = [];
  private droppedPending = false;

  constructor(private readonly options: WatchedJobStreamOptions) {
    this.jobId = options.jobId;
  }

  get sink(): StreamSink<WatchedJobMessage> {
    return this.options.sink;
  }

  async start(): Promise<void> {
    const { sink, afterSeq } = this.options;
    const job = await this.options.readJob(this.jobId);
    if (!job) return sink.end({ kind: 'complete' });
    if (afterSeq === null) {
      sink.send(createDelivery(String(job.lastSeq), { kind: 'snapshot', job }));
      this.sent = job.lastSeq;
      await sink.ready();
    } else {
      this.sent = afterSeq;
    }
    // A finished job whose every event the client has: nothing will follow.
    if (isTerminalStatus(job.status) && job.lastSeq <= this.sent) return sink.end({ kind: 'complete' });
    this.catchingUp = true;
    await this.catchUp();
  }

  offer(event: JobEvent, shared: () => WatchedJobDelivery): boolean {
    if (!this.live) {
      // Beyond the bound the table has them anyway: catching up reads them back.
      if (this.pending.length < this.options.maxPending) this.pending.push(event);
      else this.droppedPending = true;
      return false;
    }
    if (event.seq <= this.sent) return false;
    if (event.seq > this.sent + 1) {
      this.live = false;
      this.pending = [event];
      this.recover();
      return false;
    }
    return this.deliver(event, shared());
  }

  /** Reads a gap back from the table; a failed read ends the stream so its client resumes. */
  private recover(): void {
    if (this.catchingUp) return;
    this.catchingUp = true;
    this.catchUp().catch(() => {
      this.catchingUp = false;
      this.options.sink.end({ kind: 'retry', message: 'Reading the job’s events failed; reconnect to resume after your last event.' });
    });
  }

  private async catchUp(): Promise<void> {
    const { sink } = this.options;
    for (;;) {
      this.droppedPending = false;
      for (;;) {
        const batch = await this.options.readEventsAfter(this.jobId, this.sent, this.options.replayBatch);
        if (sink.closed) return;
        for (const event of batch) {
          if (event.seq <= this.sent) continue;
          if (!this.deliver(event, this.eventDelivery(event))) return;
          await sink.ready();
        }
        if (batch.length < this.options.replayBatch) break;
      }
      // What arrived meanwhile must follow on without a hole; otherwise read once more.
      const waiting = this.pending.filter((event) => event.seq > this.sent).sort((a, b) => a.seq - b.seq);
      const contiguous = waiting.every((event, index) => event.seq === this.sent + 1 + index);
      if (this.droppedPending || !contiguous) continue;
      this.pending = [];
      for (const event of waiting) if (!this.deliver(event, this.eventDelivery(event))) return;
      // Both in the same turn: the next live event either follows on or starts a new catch-up.
      this.live = true;
      this.catchingUp = false;
      return;
    }
  }

  /** Sends one event; after the terminal one the stream ends. Returns false once the stream is over. */
  private deliver(event: JobEvent, delivery: WatchedJobDelivery): boolean {
    const { sink } = this.options;
    if (sink.closed) return false;
    this.sent = event.seq;
    sink.send(delivery);
    if (isTerminalEvent(event)) {
      sink.end({ kind: 'complete' });
      return false;
    }
    return true;
  }

  private eventDelivery(event: JobEvent): WatchedJobDelivery {
    return watchedJobDelivery(event);
  }
}

/** The `watch` message of one job event; the hub makes it once and every watcher sends it. */
export function watchedJobDelivery(event: JobEvent): WatchedJobDelivery {
  return createDelivery(String(event.seq), { kind: 'event', event });
}
