import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * The revision a change to a draft writes: one past the stored one, counted in the UPDATE so
 * two writers never write the same. Every writer of a draft (a save, a version opened as the
 * draft) counts through here, so an editor's save based on the older revision meets a conflict.
 */
export function nextRevision(revision: AnyPgColumn): SQL {
  return sql`${revision} + 1`;
}
