import { sql } from 'drizzle-orm';
import { index, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * When the owner deleted the row (stories, regions, heroes, epics): it is gone from every
 * list and read at once, can be restored until the undo window passes, and is then purged
 * with its blobs by the worker's sweep.
 */
export const deletedAt = () => timestamp('deleted_at', { withTimezone: true });

/** The purge finds the rows whose undo window passed by this partial index. */
export const deletedIndex = (name: string, column: AnyPgColumn) => index(name).on(column).where(sql`deleted_at is not null`);
