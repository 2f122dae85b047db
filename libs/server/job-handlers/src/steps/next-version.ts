import { eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Tx } from '@storyline/db';

/** A table of immutable snapshots, numbered per parent from 1. */
type VersionTable = PgTable & { version: PgColumn };

/**
 * The number the next version of `parentId` takes in `versions`: one past its latest,
 * 1 for its first. Asked in the completing transaction with the parent locked (see
 * `lockTarget`), so two jobs never take the same number.
 */
export async function nextVersion(tx: Tx, versions: VersionTable, parent: PgColumn, parentId: string): Promise<number> {
  const [latest] = await tx
    .select({ version: sql<number | null>`max(${versions.version})` })
    .from(versions)
    .where(eq(parent, parentId));
  return (latest?.version ?? 0) + 1;
}
