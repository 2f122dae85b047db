import { eq } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { deletedItemReason } from '@storyline/contracts';
import type { Db, Tx } from '@storyline/db';
import { JobInputError } from '@storyline/jobs';

/** A table of what jobs work on, by id: stories, regions, heroes, epics (each can be deleted by its owner). */
type TargetTable = PgTable & { id: PgColumn; deletedAt: PgColumn };

/**
 * Locks the row of the job's target for the rest of the completing transaction, ordering
 * this job's write against a save of the target and against another job on it; the job
 * fails for good when the row is gone (`The story no longer exists.`) or deleted
 * (`The story was deleted.`, the sentence the delete itself ends running jobs with).
 */
export async function lockTarget<T extends TargetTable>(tx: Tx, table: T, id: string, label: string): Promise<T['$inferSelect']> {
  const [row] = await tx.select().from(table as PgTable).where(eq(table.id, id)).for('update');
  return present(row, label);
}

/** Reads the row of the job's target, without a lock; the job fails for good when it is gone or deleted. */
export async function readTarget<T extends TargetTable>(db: Db, table: T, id: string, label: string): Promise<T['$inferSelect']> {
  const [row] = await db.select().from(table as PgTable).where(eq(table.id, id));
  return present(row, label);
}

function present<Row extends { deletedAt?: unknown }>(row: Row | undefined, label: string): Row {
  if (!row) throw new JobInputError(`The ${label} no longer exists.`);
  if (row.deletedAt) throw new JobInputError(deletedItemReason(label));
  return row;
}
