import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { artifacts, uploads, type Db } from '@storyline/db';
import type { BlobContainer, BlobStore } from '@storyline/storage';

/** How many expired files of a kind one sweep deletes at most; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

/** The files retention deletes: a kind's rows, each naming its blob in the kind's container. */
const EXPIRING = [
  { kind: 'artifacts', table: artifacts, container: 'exports' },
  { kind: 'uploads', table: uploads, container: 'uploads' },
] as const satisfies ReadonlyArray<{ kind: string; table: typeof artifacts | typeof uploads; container: BlobContainer }>;

/**
 * Deletes export files and uploads whose retention has passed, and stamps their rows
 * so a late download gets "deleted after …" rather than a storage error. Several
 * workers may sweep at once: each row is claimed under `skip locked`.
 */
export async function sweepExpiredFiles(db: Db, blobs: BlobStore): Promise<{ artifacts: number; uploads: number }> {
  const swept = { artifacts: 0, uploads: 0 };
  for (const { kind, table, container } of EXPIRING) {
    await db.transaction(async (tx) => {
      const expired = await tx
        .select({ id: table.id, blobName: table.blobName })
        .from(table)
        .where(and(isNull(table.deletedAt), lt(table.expiresAt, sql`now()`)))
        .limit(SWEEP_BATCH)
        .for('update', { skipLocked: true });
      for (const row of expired) {
        await blobs.delete(container, row.blobName);
        await tx.update(table).set({ deletedAt: new Date() }).where(eq(table.id, row.id));
        swept[kind] += 1;
      }
    });
  }
  return swept;
}
