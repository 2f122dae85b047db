import type { UserStreamMessage, JobTypeFlag, Notice, OpsSample } from '@storyline/contracts';
import { LOG_START, compareLogPositions, formatLogPosition, parseLogPosition, type LogPosition } from './log-position';
import type { LogEvent, LogReader } from './log-reader';
import { createDelivery, type StreamDelivery, type StreamSink } from './stream-sink';

export type UserStreamDelivery = StreamDelivery<UserStreamMessage>;

/** Notices a stream still catching up holds; a flood beyond it keeps only the newest. */
const MAX_WAITING_NOTICES = 20;

export interface UserStreamOptions {
  logReader: LogReader;
  sink: StreamSink<UserStreamMessage>;
  /** Whose jobs: one owner's, or everybody's (admins). */
  ownerId: string | null;
  /** Whose stream it is, for notices sent to one user. */
  userId: string;
  /** The last position the client saw; null for a fresh start with a snapshot. */
  after: string | null;
  readFlags: () => Promise<JobTypeFlag[]>;
  /** Live events held while the stream catches up; beyond it they are dropped and read back from the table. */
  maxPending: number;
  replayBatch: number;
}

/**
 * One `onMyJobs` stream. The hub routes live events to it from the moment it opens;
 * while it catches up (snapshot or replay from the table, at the client's pace) they
 * wait in a bounded list, then every event is checked against the position already
 * sent, so the hand-over neither skips nor repeats one.
 */
export class UserStream {
  readonly ownerId: string | null;
  readonly userId: string;
  private sent: LogPosition;
  private live = false;
  private pending: LogEvent[] = [];
  private droppedPending = false;
  private flagsWaiting: JobTypeFlag[] | null = null;
  private noticesWaiting: Notice[] = [];
  /** Per job, the newest sequence the snapshot already reflects. */
  private readonly reflected = new Map<string, number>();

  constructor(private readonly options: UserStreamOptions) {
    this.ownerId = options.ownerId;
    this.userId = options.userId;
    this.sent = parseLogPosition(options.after ?? LOG_START);
  }

  get sink(): StreamSink<UserStreamMessage> {
    return this.options.sink;
  }

  /** Sends the snapshot or the missed events, then goes live. */
  async start(): Promise<void> {
    const { logReader, sink, ownerId } = this.options;
    if (this.options.after === null) {
      const [{ jobs, position }, flags] = await Promise.all([logReader.snapshot(ownerId), this.options.readFlags()]);
      for (const job of jobs) this.reflected.set(job.id, job.lastSeq);
      this.sent = parseLogPosition(position);
      sink.send(createDelivery(position, { kind: 'snapshot', jobs, flags }));
    } else {
      sink.send(createDelivery(this.options.after, { kind: 'flags', flags: await this.options.readFlags() }));
    }
    // A large snapshot must reach the client before live events are judged against the bound.
    await sink.ready();
    do {
      this.droppedPending = false;
      for (;;) {
        if (sink.closed) return;
        const batch = await logReader.readAfter(this.sent, ownerId, this.options.replayBatch);
        for (const item of batch) {
          // At the client's pace: a replay never fills the buffer that live events are bounded by.
          if (this.deliver(item, () => this.eventDelivery(item))) await sink.ready();
        }
        if (batch.length < this.options.replayBatch) break;
      }
    } while (this.droppedPending);
    const waiting = this.pending;
    this.pending = [];
    this.live = true;
    for (const item of waiting) this.deliver(item, () => this.eventDelivery(item));
    if (this.flagsWaiting) this.flags(this.flagsWaiting);
    const notices = this.noticesWaiting;
    this.noticesWaiting = [];
    for (const notice of notices) this.options.sink.send(this.ownDelivery({ kind: 'notice', notice }));
  }

  /** A live event routed here; `shared` is the frame every stream of this event sends. Returns whether it was sent. */
  offer(item: LogEvent, shared: () => UserStreamDelivery): boolean {
    if (this.live) return this.deliver(item, shared);
    if (this.pending.length < this.options.maxPending) {
      this.pending.push(item);
    } else {
      this.pending = [];
      this.droppedPending = true;
    }
    return false;
  }

  flags(flags: JobTypeFlag[]): void {
    if (!this.live) {
      this.flagsWaiting = flags;
      return;
    }
    this.flagsWaiting = null;
    this.options.sink.send(this.ownDelivery({ kind: 'flags', flags }));
  }

  /**
   * A notice routed here. `shared` is the frame every live stream sends, tracked at
   * `at`: the log reader's position once every event up to it was routed, so a live stream
   * has sent all of its events up to there and may stand at it. A stream already past
   * it (its replay ran ahead of the log reader) or still catching up sends its own frame.
   */
  notice(notice: Notice, shared: () => UserStreamDelivery, at: LogPosition): boolean {
    if (this.options.sink.closed) return false;
    if (!this.live) {
      this.noticesWaiting = [...this.noticesWaiting, notice].slice(-MAX_WAITING_NOTICES);
      return false;
    }
    if (compareLogPositions(this.sent, at) <= 0) {
      this.sent = at;
      this.options.sink.send(shared());
    } else {
      this.options.sink.send(this.ownDelivery({ kind: 'notice', notice }));
    }
    return true;
  }

  /**
   * An ops sample routed here (admins' streams). Samples are periodic, so a stream still
   * catching up simply misses one; otherwise it is positioned as {@link notice} is.
   */
  ops(sample: OpsSample, shared: () => UserStreamDelivery, at: LogPosition): void {
    if (this.options.sink.closed || !this.live) return;
    if (compareLogPositions(this.sent, at) <= 0) {
      this.sent = at;
      this.options.sink.send(shared());
    } else {
      this.options.sink.send(this.ownDelivery({ kind: 'ops', sample }));
    }
  }

  private ownDelivery(message: UserStreamMessage): UserStreamDelivery {
    return createDelivery(formatLogPosition(this.sent), message);
  }

  private deliver(item: LogEvent, delivery: () => UserStreamDelivery): boolean {
    if (this.options.sink.closed || compareLogPositions(item.at, this.sent) <= 0) return false;
    const seen = this.reflected.get(item.event.jobId);
    if (seen !== undefined && item.event.seq <= seen) return false;
    this.sent = item.at;
    this.options.sink.send(delivery());
    return true;
  }

  private eventDelivery(item: LogEvent): UserStreamDelivery {
    return userStreamDelivery(item);
  }
}

/** The user stream message of one event of the log; the hub makes it once and every user stream sends it. */
export function userStreamDelivery(item: LogEvent): UserStreamDelivery {
  return createDelivery(item.position, { kind: 'event', jobType: item.jobType, ownerId: item.ownerId, targetId: item.targetId, event: item.event });
}
