import { and, desc, eq, gt, inArray, or, sql as drizzleSql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { OpsSample, type JobEvent, type JobType, type JobTypeFlag, type JobView } from '@storyline/contracts';
import { toJobView } from '@storyline/jobs';
import { JOB_EVENTS_CHANNEL, JOB_FLAGS_CHANNEL, NOTICES_CHANNEL, OPS_SAMPLE_CHANNEL, jobs, type Database } from '@storyline/db';
import { LOG_START, formatLogPosition, parseLogPosition, type LogPosition } from './log-position';
import { readNotice, type RoutedNotice } from './notices';

/** An event as the log reader hands it out: where it stands in the event log, and whose job it belongs to. */
export interface LogEvent {
  /** The position as the client sees it (decimal text), and as a number, for comparing. */
  position: string;
  at: LogPosition;
  ownerId: string;
  jobType: JobType;
  /** What the job works on (a story, an epic…), so a page showing it can pick up a job started elsewhere. */
  targetId: string;
  event: JobEvent;
}

export type LogItem =
  | { type: 'event'; item: LogEvent }
  | { type: 'flags'; flags: JobTypeFlag[] }
  | { type: 'notice'; notice: RoutedNotice }
  | { type: 'ops'; sample: OpsSample };

export interface LogReader {
  /**
   * Sets the one consumer of this process's log reader (the stream hub), or removes it with
   * null. Events arrive in log order, each once per process, however many streams.
   */
  setConsumer(consumer: ((item: LogItem) => void) | null): void;
  /**
   * Resolves once the cursor is current: a consumer that attaches after a quiet spell
   * first moves it past what it missed (its streams read their own past from the table).
   */
  ready(): Promise<void>;
  /** Events read from Postgres since start. */
  readonly received: () => number;
  /** The position of the newest event handed to the consumer. */
  lastPosition(): LogPosition;
  /** Whether `position` lies beyond every committed event: no client can have seen it. */
  isAhead(position: LogPosition): Promise<boolean>;
  /** Committed events after `position`, in commit order; of one owner, or all. */
  readAfter(position: LogPosition, ownerId: string | null, limit: number): Promise<LogEvent[]>;
  /** The open and recently finished jobs of one owner (or all), and the log position they reflect. */
  snapshot(ownerId: string | null): Promise<{ jobs: JobView[]; position: string }>;
  close(): Promise<void>;
}

export interface LogReaderOptions {
  database: Database;
  /**
   * Where the live reader reads: a connection of its own, so a burst of requests on the
   * process's shared pool cannot hold up every stream's push. Defaults to `database`.
   */
  reader?: Database;
  log: Logger;
  readFlags: () => Promise<JobTypeFlag[]>;
}

interface LogRow {
  id: string;
  job_id: string;
  seq: number;
  kind: string;
  data: Record<string, unknown>;
  created_at: string | Date;
  position: string;
  owner_id: string;
  type: JobType;
  target_id: string;
}

const BATCH = 500;
/** After a failed read, when to read again (one timer at most). */
const RETRY_MS = 1_000;

/**
 * The newest committed event's position. Positions are given in commit order, so every
 * event at or below it is visible to the same snapshot, and none can appear there later.
 */
const NEWEST = drizzleSql`select coalesce(max(position), 0)::text as position from job_events`;

/**
 * One reader of the event log per API process. NOTIFY only wakes it; it then reads
 * the events past its cursor from the table, so a lost notification delays an event
 * but never loses it, and a reconnect of the listener simply reads again. Nothing it
 * reads waits on any other transaction: an event is readable the moment it commits
 * (see `LogPosition`).
 */
export async function createLogReader(options: LogReaderOptions): Promise<LogReader> {
  const { log } = options;
  const { sql, db } = options.database;
  let consumer: ((item: LogItem) => void) | null = null;
  let received = 0;
  let cursor = parseLogPosition(LOG_START);
  let pumping: Promise<void> | null = null;
  let again = false;
  let closed = false;
  /** Events were announced while no stream listened. */
  let stale = false;
  /**
   * A consumer attached after such a spell: the next read first moves the cursor to the
   * newest event (its streams read their own past). Set only at attach time, so the cursor
   * never jumps past events that live streams are waiting for.
   */
  let jumpPending = false;
  let retry: NodeJS.Timeout | undefined;

  const emit = (item: LogItem) => {
    try {
      consumer?.(item);
    } catch (error) {
      // One stream's failure must not stop the reader for every other stream.
      log.error({ err: error }, 'delivering a log item failed');
    }
  };

  const readOn = async (client: Database['sql'], position: LogPosition, ownerId: string | null, limit: number): Promise<LogEvent[]> => {
    const rows = await client<LogRow[]>`
      select e.id, e.job_id, e.seq, e.kind, e.data, e.created_at, e.position::text as position, j.owner_id, j.type, j.target_id
      from job_events e join jobs j on j.id = e.job_id
      where e.position > ${position}
        ${ownerId ? client`and j.owner_id = ${ownerId}` : client``}
      order by e.position
      limit ${limit}`;
    return rows.map(toLogEvent);
  };
  /** Streams catching up read on the shared pool, the live reader on its own connection. */
  const readAfter = (position: LogPosition, ownerId: string | null, limit: number) => readOn(sql, position, ownerId, limit);
  const reader = options.reader?.sql ?? sql;

  const newest = async (): Promise<LogPosition> => {
    const [row] = await db.execute<{ position: string }>(NEWEST);
    return parseLogPosition(row?.position ?? LOG_START);
  };

  const pumpOnce = async () => {
    do {
      again = false;
      // Checked on every round: a pump already in flight when the consumer attached does it next.
      if (jumpPending) {
        jumpPending = false;
        cursor = await newest();
      }
      const batch = await readOn(reader, cursor, null, BATCH);
      for (const item of batch) {
        cursor = item.at;
        received += 1;
        emit({ type: 'event', item });
      }
      if (batch.length === BATCH) again = true;
    } while (again && !closed);
  };
  const pump = (): Promise<void> => {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = pumpOnce()
      .catch((error: unknown) => {
        // Streams waiting on this pump go on; from here only reading on from the cursor is safe.
        jumpPending = false;
        log.warn({ err: error }, 'reading the job event log failed; will retry');
        // The events it missed may be the last ones for a while: no NOTIFY would bring them.
        retry ??= setTimeout(() => {
          retry = undefined;
          if (consumer && !closed) void pump();
        }, RETRY_MS);
        retry.unref();
      })
      .finally(() => (pumping = null));
    return pumping;
  };

  // A process with no stream reads nothing: a NOTIFY then only marks the cursor stale.
  const wake = () => {
    if (consumer) void pump();
    else stale = true;
  };

  cursor = await newest();
  let listens = 0;
  const eventsListener = await sql.listen(JOB_EVENTS_CHANNEL, wake, () => {
    listens += 1;
    if (listens === 1) return;
    // The cursor is in the table, so reading again finds whatever was missed meanwhile.
    log.warn('job event listener reconnected; reading what was missed');
    wake();
  });
  const flagsListener = await sql.listen(JOB_FLAGS_CHANNEL, () => {
    options
      .readFlags()
      .then((flags) => emit({ type: 'flags', flags }))
      .catch((error: unknown) => log.warn({ err: error }, 'could not read changed flags'));
  });
  // A notice is read by its id, once per process, and only while someone could receive it.
  const noticesListener = await sql.listen(NOTICES_CHANNEL, (id) => {
    if (!consumer) return;
    readNotice(db, id)
      .then((notice) => notice && emit({ type: 'notice', notice }))
      .catch((error: unknown) => log.warn({ err: error, noticeId: id }, 'could not read a notice'));
  });
  // A sample carries itself; it is dropped when no stream could want it, or when it is not one.
  const opsListener = await sql.listen(OPS_SAMPLE_CHANNEL, (payload) => {
    if (!consumer) return;
    try {
      emit({ type: 'ops', sample: OpsSample.parse(JSON.parse(payload)) });
    } catch (error) {
      log.warn({ err: error }, 'an ops sample could not be read');
    }
  });
  return {
    setConsumer(next) {
      const attaching = !consumer && next;
      consumer = next;
      if (attaching && stale) {
        stale = false;
        jumpPending = true;
        void pump();
      }
    },
    ready: () => pumping ?? Promise.resolve(),
    received: () => received,
    lastPosition: () => cursor,
    async isAhead(position) {
      return position > (await newest());
    },
    readAfter,
    async snapshot(ownerId) {
      return db.transaction(
        async (tx) => {
          const [reflected] = await tx.execute<{ position: string }>(NEWEST);
          const concerned = or(
            inArray(jobs.status, ['Queued', 'Running']),
            gt(jobs.completedAt, drizzleSql`now() - interval '15 minutes'`),
          );
          const rows = await tx
            .select()
            .from(jobs)
            .where(ownerId ? and(concerned, eq(jobs.ownerId, ownerId)) : concerned)
            .orderBy(desc(jobs.queuedAt))
            .limit(200);
          return { jobs: rows.map(toJobView), position: reflected?.position ?? LOG_START };
        },
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      );
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await Promise.allSettled([eventsListener.unlisten(), flagsListener.unlisten(), noticesListener.unlisten(), opsListener.unlisten()]);
      await pumping;
    },
  };
}

function toLogEvent(row: LogRow): LogEvent {
  const event = { ...row.data, jobId: row.job_id, seq: row.seq, at: new Date(row.created_at).toISOString(), kind: row.kind } as JobEvent;
  const at = parseLogPosition(row.position);
  return { position: formatLogPosition(at), at, ownerId: row.owner_id, jobType: row.type, targetId: row.target_id, event };
}
