import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Notice, NoticeLevel } from '@storyline/contracts';
import { NOTICES_CHANNEL, notices, users, type Db } from '@storyline/db';

/** Notices are news: older ones are deleted as new ones are stored, so the table stays small. */
const NOTICE_RETENTION = sql`interval '7 days'`;

/** A notice as the hub routes it: the message, and the one user it is for (null: everyone). */
export interface RoutedNotice {
  notice: Notice;
  userId: string | null;
}

export interface NewNotice {
  level: NoticeLevel;
  message: string;
  /** The one user it is for; leave out for a broadcast. */
  userId?: string;
  sentBy?: string;
  jobId?: string;
}

/** Stores a notice and announces it in the same transaction (Postgres delivers the NOTIFY on commit); drops week-old ones. */
export async function recordNotice(db: Db, input: NewNotice): Promise<Notice> {
  const id = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notices)
      .values({ level: input.level, message: input.message, userId: input.userId, sentBy: input.sentBy, jobId: input.jobId })
      .returning({ id: notices.id });
    await tx.execute(sql`select pg_notify(${NOTICES_CHANNEL}, ${row.id})`);
    await tx.delete(notices).where(lt(notices.createdAt, sql`now() - ${NOTICE_RETENTION}`));
    return row.id;
  });
  const stored = await readNotice(db, id);
  if (!stored) throw new Error(`notice ${id} vanished after it was stored`);
  return stored.notice;
}

const columns = {
  id: notices.id,
  level: notices.level,
  message: notices.message,
  userId: notices.userId,
  jobId: notices.jobId,
  createdAt: notices.createdAt,
  from: users.username,
};

type NoticeRow = { id: string; level: NoticeLevel; message: string; userId: string | null; jobId: string | null; createdAt: Date; from: string | null };

function toRoutedNotice(row: NoticeRow): RoutedNotice {
  const notice: Notice = {
    id: row.id,
    level: row.level,
    message: row.message,
    at: row.createdAt.toISOString(),
    scope: row.userId ? 'user' : 'broadcast',
    ...(row.from ? { from: row.from } : {}),
    ...(row.jobId ? { jobId: row.jobId } : {}),
  };
  return { notice, userId: row.userId };
}

/** One notice by id, with whom it is for; null when there is none. */
export async function readNotice(db: Db, id: string): Promise<RoutedNotice | null> {
  const [row] = await db.select(columns).from(notices).leftJoin(users, eq(users.id, notices.sentBy)).where(eq(notices.id, id));
  return row ? toRoutedNotice(row) : null;
}

/** The newest notices one user may see (broadcasts and their own) from the last `withinMs`, newest first. */
export async function readRecentNotices(db: Db, userId: string, options: { limit: number; withinMs: number }): Promise<Notice[]> {
  const since = new Date(Date.now() - options.withinMs);
  const rows = await db
    .select(columns)
    .from(notices)
    .leftJoin(users, eq(users.id, notices.sentBy))
    .where(and(gt(notices.createdAt, since), or(isNull(notices.userId), eq(notices.userId, userId))))
    .orderBy(desc(notices.createdAt))
    .limit(options.limit);
  return rows.map((row) => toRoutedNotice(row).notice);
}
