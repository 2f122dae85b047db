import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { artifacts, epics, heroes, jobs, media, regions, stories, type Tx } from '@storyline/db';
import type { Db } from '@storyline/db';
import type { BlobContainer, BlobStore } from '@storyline/storage';

/** How many deleted items (or released images) of a kind one sweep purges at most; the next sweep takes the rest. */
const PURGE_BATCH = 50;

/** What one sweep purged: deleted items by kind, released images, and blobs of every kind. */
export interface PurgeCounts {
  story: number;
  region: number;
  hero: number;
  epic: number;
  media: number;
  blobs: number;
}

/** The folders (container and name prefix) that hold an item's blobs; everything under them goes with it. */
type BlobFolders = (id: string) => { container: BlobContainer; prefix: string }[];

/**
 * The kinds an owner deletes, each with where its blobs live: a story's images (`<story>/…`
 * in media) and published pages (`<story>/…` in published), a region's or hero's image and
 * its versions' images (`regions/<id>/…`, `heroes/<id>/…`); an epic holds none of its own.
 */
const KINDS = [
  {
    kind: 'story',
    table: stories,
    folders: (id) => [
      { container: 'media', prefix: `${id}/` },
      { container: 'published', prefix: `${id}/` },
    ],
    // A fork still copying one of the story's images waits for the copy: its assets job reads the blob.
    ready: sql`not exists (select 1 from ${media} copy where copy.state = 'copying' and copy.source_blob_name like ${stories.id}::text || '/%')`,
  },
  { kind: 'region', table: regions, folders: (id) => [{ container: 'media', prefix: `regions/${id}/` }], ready: sql`true` },
  { kind: 'hero', table: heroes as unknown as typeof regions, folders: (id) => [{ container: 'media', prefix: `heroes/${id}/` }], ready: sql`true` },
  { kind: 'epic', table: epics as unknown as typeof regions, folders: () => [], ready: sql`true` },
] as const satisfies ReadonlyArray<{ kind: keyof PurgeCounts; table: typeof stories | typeof regions; folders: BlobFolders; ready: ReturnType<typeof sql> }>;

/**
 * Purges for good what owners deleted more than `retentionMs` ago: each item's blobs, the
 * export files of every job on it (their rows stamped, so a late download says so), then
 * its row, which takes its versions and images along (foreign keys cascade). Jobs stay, as
 * history. Then the images saves released as long ago, unless the draft or a published
 * version shows them again or a fork is copying them. Several workers may sweep at once:
 * each row is claimed under `skip locked`.
 */
export async function purgeDeleted(db: Db, blobs: BlobStore, retentionMs: number): Promise<PurgeCounts> {
  const counts: PurgeCounts = { story: 0, region: 0, hero: 0, epic: 0, media: 0, blobs: 0 };
  const cutoff = new Date(Date.now() - retentionMs);
  for (const { kind, table, folders, ready } of KINDS) {
    await db.transaction(async (tx) => {
      const due = await tx
        .select({ id: table.id })
        .from(table)
        .where(and(lt(table.deletedAt, cutoff), ready))
        .limit(PURGE_BATCH)
        .for('update', { skipLocked: true });
      for (const { id } of due) {
        for (const { container, prefix } of folders(id)) counts.blobs += await deleteUnder(blobs, container, prefix);
        counts.blobs += await deleteExports(tx, blobs, id);
        await tx.delete(table).where(eq(table.id, id));
        counts[kind] += 1;
      }
    });
  }
  counts.media = await purgeReleasedMedia(db, blobs, cutoff);
  counts.blobs += counts.media;
  return counts;
}

async function deleteUnder(blobs: BlobStore, container: BlobContainer, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const name of blobs.list(container, prefix)) {
    await blobs.delete(container, name);
    deleted += 1;
  }
  return deleted;
}

/** Deletes the export files of every job on the item and stamps their rows deleted. */
async function deleteExports(tx: Tx, blobs: BlobStore, targetId: string): Promise<number> {
  const files = await tx
    .select({ id: artifacts.id, blobName: artifacts.blobName })
    .from(artifacts)
    .innerJoin(jobs, eq(jobs.id, artifacts.jobId))
    .where(and(eq(jobs.targetId, targetId), isNull(artifacts.deletedAt)));
  for (const file of files) await blobs.delete('exports', file.blobName);
  if (files.length > 0) await tx.update(artifacts).set({ deletedAt: new Date() }).where(inArray(artifacts.id, files.map((file) => file.id)));
  return files.length;
}

/** Shows the image's id in a `pages` column (a draft's or a published version's). */
const shownIn = (pages: ReturnType<typeof sql>) => sql`${pages} @> jsonb_build_array(jsonb_build_object('media', jsonb_build_array(${media.id}::text)))`;

/** Deletes images released before `cutoff` that nothing shows or copies any more: their blobs, then their rows. */
async function purgeReleasedMedia(db: Db, blobs: BlobStore, cutoff: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: media.id, blobName: media.blobName })
      .from(media)
      .where(
        and(
          lt(media.releasedAt, cutoff),
          sql`not exists (select 1 from ${stories} s where s.id = ${media.storyId} and ${shownIn(sql`s.pages`)})`,
          sql`not exists (select 1 from story_versions v where v.story_id = ${media.storyId} and ${shownIn(sql`v.pages`)})`,
          sql`not exists (select 1 from ${media} copy where copy.state = 'copying' and copy.source_blob_name = ${media.blobName})`,
        ),
      )
      .limit(PURGE_BATCH)
      .for('update', { skipLocked: true });
    for (const row of due) await blobs.delete('media', row.blobName);
    if (due.length > 0) await tx.delete(media).where(inArray(media.id, due.map((row) => row.id)));
    return due.length;
  });
}
