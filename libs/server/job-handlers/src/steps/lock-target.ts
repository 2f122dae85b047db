import { eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '@storyline/db';
import { JobInputError } from '@storyline/jobs';

/** A table of what jobs work on, by id: stories, regions, heroes, epics. */
type TargetTable = PgTable & { id: PgColumn };

/**
 * Locks the row of the job's target for the rest of the completing transaction, ordering
 * this job's write against a save of the target and against another job on it; the job
 * fails for good when the row is gone (`The story no longer exists.`).
 */
export async function lockTarget<T extends TargetTable>(tx: Tx, table: T, id: string, label: string): Promise<T['$inferSelect']> {
  const [row] = await tx.select().from(table as PgTable).where(eq(table.id, id)).for('update');
  return row ?? gone(label);
}

/** Reads the row of the job's target, without a lock; the job fails for good when it is gone. */
export async function readTarget<T extends TargetTable>(db: Db, table: T, id: string, label: string): Promise<T['$inferSelect']> {
  const [row] = await db.select().from(table as PgTable).where(eq(table.id, id));
  return row ?? gone(label);
}

function gone(label: string): never {
  throw new JobInputError(`The ${label} no longer exists.`);
}
