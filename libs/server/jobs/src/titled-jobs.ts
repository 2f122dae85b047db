import { and, desc, eq, getTableColumns, like, or, sql, type SQL } from 'drizzle-orm';
import { DomainError, type JobHistoryCursor, type JobHistoryPage, type SessionUser, type TitledJob } from '@storyline/contracts';
import { epics, heroes, jobs, regions, stories, type Db } from '@storyline/db';
import { assertMaySee } from './read-jobs';
import { toJobView } from './job-view';

/** Microsecond-exact UTC text of a timestamp, so a cursor names exactly the row it ended at. */
const queuedAtText = sql<string>`to_char(${jobs.queuedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The jobs table joined with the title of each job's target, by the kind its type works on. */
function selectTitled(db: Db) {
  return db
    .select({
      job: getTableColumns(jobs),
      targetTitle: sql<string | null>`coalesce(${stories.title}, ${epics.name}, ${regions.name}, ${heroes.name})`,
      queuedAtText,
    })
    .from(jobs)
    .leftJoin(stories, and(eq(stories.id, jobs.targetId), like(jobs.type, 'story-%')))
    .leftJoin(epics, and(eq(epics.id, jobs.targetId), like(jobs.type, 'epic-%')))
    .leftJoin(regions, and(eq(regions.id, jobs.targetId), eq(jobs.type, 'region-version')))
    .leftJoin(heroes, and(eq(heroes.id, jobs.targetId), eq(jobs.type, 'hero-version')));
}

/** One job with its target's title, as `user` may see it (its owner, or an admin). */
export async function getTitledJobFor(db: Db, user: SessionUser, jobId: string): Promise<TitledJob> {
  const [row] = await selectTitled(db).where(eq(jobs.id, jobId));
  if (!row) throw new DomainError('NOT_FOUND', `Job ${jobId} does not exist`);
  assertMaySee(user, row.job);
  return { ...toJobView(row.job), targetTitle: row.targetTitle };
}

/**
 * One page of `user`'s jobs (an admin's: everyone's, as the admin's user stream shows),
 * newest first, each with its target's title; `before` continues after a previous page.
 * Paged by (queued time, id), which the owner index serves, so a page costs the same however far back.
 */
export async function readJobHistory(db: Db, user: SessionUser, before: JobHistoryCursor | null, limit: number): Promise<JobHistoryPage> {
  const rows = await selectTitled(db)
    .where(and(user.role === 'admin' ? undefined : eq(jobs.ownerId, user.id), before ? olderThan(before) : undefined))
    .orderBy(desc(jobs.queuedAt), desc(jobs.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    jobs: page.map((row) => ({ ...toJobView(row.job), targetTitle: row.targetTitle })),
    next: rows.length > limit && last ? `${last.queuedAtText}|${last.job.id}` : null,
  };
}

function olderThan(cursor: JobHistoryCursor): SQL | undefined {
  const [queuedAt, id] = cursor.split('|');
  const at = sql`${queuedAt}::timestamptz`;
  return or(sql`${jobs.queuedAt} < ${at}`, and(sql`${jobs.queuedAt} = ${at}`, sql`${jobs.id} < ${id}::uuid`));
}
