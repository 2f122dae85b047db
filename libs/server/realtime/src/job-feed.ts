import { EventEmitter } from 'node:events';
import { and, desc, eq, gt, inArray, or, sql as drizzleSql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { JobEvent, JobType, JobTypeFlag, JobView } from '@storyline/contracts';
import { JOB_EVENTS_CHANNEL, JOB_FLAGS_CHANNEL, toJobView } from '@storyline/jobs';
import { jobs, type Database } from '@storyline/db';
import { FEED_START, formatFeedPosition, parseFeedPosition } from './feed-position';

/** An event as the feed hands it out: where it stands, and whose job it belongs to. */
export interface FeedEvent {
  position: string;
  ownerId: string;
  jobType: JobType;
  event: JobEvent;
}

export type FeedItem = { type: 'event'; item: FeedEvent } | { type: 'flags'; flags: JobTypeFlag[] };

/** The emitter's channel for every {@link FeedItem}; each job's events are also emitted under its id. */
export const FEED = 'feed';

export interface JobFeed {
  readonly events: EventEmitter;
  /** Events read from Postgres since start: each once per process, however many streams. */
  readonly received: () => number;
  /** Listeners on the feed, over all jobs and streams; returns to its start value when streams close. */
  readonly listenerCount: () => number;
  /** Events after `position` that can no longer be overtaken, oldest first; of one owner, or all. */
  readAfter(position: string, ownerId: string | null, limit: number): Promise<FeedEvent[]>;
  /** The open and recently finished jobs of one owner (or all), and the feed position they reflect. */
  snapshot(ownerId: string | null): Promise<{ jobs: JobView[]; position: string }>;
  close(): Promise<void>;
}

export interface JobFeedOptions {
  database: Database;
  log: Logger;
  readFlags: () => Promise<JobTypeFlag[]>;
  /** How often to look for events held back by a long transaction, while anyone listens. */
  sweepIntervalMs?: number;
}

interface FeedRow {
  id: string;
  job_id: string;
  seq: number;
  kind: string;
  data: Record<string, unknown>;
  created_at: string | Date;
  tx: string;
  owner_id: string;
  type: JobType;
}

const BATCH = 500;

/**
 * One reader of the event log per API process. NOTIFY only wakes it; it then reads
 * the events past its cursor from the table, so a lost notification delays an event
 * but never loses it, and a reconnect of the listener simply reads again.
 */
export async function createJobFeed(options: JobFeedOptions): Promise<JobFeed> {
  const { log } = options;
  const { sql, db } = options.database;
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let received = 0;
  let cursor = FEED_START;
  let pumping: Promise<void> | null = null;
  let again = false;
  let closed = false;

  const readAfter = async (position: string, ownerId: string | null, limit: number): Promise<FeedEvent[]> => {
    const { tx, id } = parseFeedPosition(position);
    const rows = await sql<FeedRow[]>`
      select e.id, e.job_id, e.seq, e.kind, e.data, e.created_at, e.tx_id::text as tx, j.owner_id, j.type
      from job_events e join jobs j on j.id = e.job_id
      where (e.tx_id, e.id) > (${tx.toString()}::xid8, ${id}::bigint)
        and e.tx_id < pg_snapshot_xmin(pg_current_snapshot())
        ${ownerId ? sql`and j.owner_id = ${ownerId}` : sql``}
      order by e.tx_id, e.id
      limit ${limit}`;
    return rows.map(toFeedEvent);
  };

  const pumpOnce = async () => {
    do {
      again = false;
      const batch = await readAfter(cursor, null, BATCH);
      for (const item of batch) {
        cursor = item.position;
        received += 1;
        events.emit(item.event.jobId, item.event);
        events.emit(FEED, { type: 'event', item } satisfies FeedItem);
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
      .catch((error: unknown) => log.warn({ err: error }, 'reading the job event feed failed; will retry'))
      .finally(() => (pumping = null));
    return pumping;
  };

  const [start] = await sql<{ position: string | null }[]>`
    select tx_id::text || '-' || id as position from job_events
    where tx_id < pg_snapshot_xmin(pg_current_snapshot())
    order by tx_id desc, id desc limit 1`;
  cursor = start?.position ?? FEED_START;

  let listens = 0;
  const eventsListener = await sql.listen(JOB_EVENTS_CHANNEL, () => void pump(), () => {
    listens += 1;
    if (listens === 1) return;
    // The cursor is in the table, so reading again finds whatever was missed meanwhile.
    log.warn('job event listener reconnected; reading what was missed');
    void pump();
  });
  const flagsListener = await sql.listen(JOB_FLAGS_CHANNEL, () => {
    options
      .readFlags()
      .then((flags) => events.emit(FEED, { type: 'flags', flags } satisfies FeedItem))
      .catch((error: unknown) => log.warn({ err: error }, 'could not read changed flags'));
  });
  // A transaction that stays open holds events back without a later NOTIFY to wake us.
  const sweep = setInterval(() => {
    if (events.eventNames().length > 0) void pump();
  }, options.sweepIntervalMs ?? 1_000);
  sweep.unref();
  await pump();

  return {
    events,
    received: () => received,
    listenerCount: () => events.eventNames().reduce((sum, name) => sum + events.listenerCount(name), 0),
    readAfter,
    async snapshot(ownerId) {
      return db.transaction(
        async (tx) => {
          const [horizon] = await tx.execute<{ position: string | null }>(drizzleSql`
            select tx_id::text || '-' || id as position from job_events
            where tx_id < pg_snapshot_xmin(pg_current_snapshot())
            order by tx_id desc, id desc limit 1`);
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
          return { jobs: rows.map(toJobView), position: horizon?.position ?? FEED_START };
        },
        { isolationLevel: 'repeatable read', accessMode: 'read only' },
      );
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      await Promise.allSettled([eventsListener.unlisten(), flagsListener.unlisten()]);
      await pumping;
    },
  };
}

function toFeedEvent(row: FeedRow): FeedEvent {
  const event = { ...row.data, jobId: row.job_id, seq: row.seq, at: new Date(row.created_at).toISOString(), kind: row.kind } as JobEvent;
  return { position: formatFeedPosition({ tx: BigInt(row.tx), id: Number(row.id) }), ownerId: row.owner_id, jobType: row.type, event };
}
