import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { and, isNull, lt, sql } from 'drizzle-orm';
import { artifacts, uploads, type Db } from '@storyline/db';
import type { BlobStore } from '@storyline/storage';

/** How many expired files one sweep deletes at most; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

/**
 * Deletes export files and uploads whose retention has passed, and stamps their rows
 * so a late download gets "deleted after …" rather than a storage error. Several
 * workers may sweep at once: each row is claimed under `skip locked`.
 */
export async function sweepExpiredFiles(db: Db, blobs: BlobStore): Promise<{ artifacts: number; uploads: number }> {
  const swept = { artifacts: 0, uploads: 0 };
  await db.transaction(async (tx) => {
    const expired = await tx
      .select({ id: artifacts.id, blobName: artifacts.blobName })
      .from(artifacts)
      .where(and(isNull(artifacts.deletedAt), lt(artifacts.expiresAt, sql`now()`)))
      .limit(SWEEP_BATCH)
      .for('update', { skipLocked: true });
    for (const row of expired) {
      await blobs.delete('exports', row.blobName);
      await tx.update(artifacts).set({ deletedAt: new Date() }).where(sql`${artifacts.id} = ${row.id}`);
      swept.artifacts += 1;
    }
  });
  await db.transaction(async (tx) => {
    const expired = await tx
      .select({ id: uploads.id, blobName: uploads.blobName })
      .from(uploads)
      .where(and(isNull(uploads.deletedAt), lt(uploads.expiresAt, sql`now()`)))
      .limit(SWEEP_BATCH)
      .for('update', { skipLocked: true });
    for (const row of expired) {
      await blobs.delete('uploads', row.blobName);
      await tx.update(uploads).set({ deletedAt: new Date() }).where(sql`${uploads.id} = ${row.id}`);
      swept.uploads += 1;
    }
  });
  return swept;
}

/**
 * Deletes scratch files older than `olderThanMs`: what an import left when its worker
 * died mid-way. No attempt outlives its run timeout, so an old file has no reader.
 */
export async function sweepScratchDir(dir: string, olderThanMs: number): Promise<number> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of entries) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || Date.now() - info.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true });
    removed += 1;
  }
  return removed;
}
