import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { DomainError, deletedItemReason, type DeletableKind, type DeletedItem, type SessionUser } from '@storyline/contracts';
import { epics, heroes, regions, stories, type Db } from '@storyline/db';
import { failTargetJobs } from '@storyline/jobs';

/** A deletable kind's table, typed as the regions table: all four have `id`, `ownerId` and `deletedAt` under the same keys, and a delete touches nothing else. */
type DeletableTable = typeof regions;

/** Each kind's table, the column that names the item (a story's title, the others' name) and how sentences call it. */
const DELETABLE: Record<DeletableKind, { table: DeletableTable; name: DeletableTable['name']; label: string }> = {
  story: { table: stories as unknown as DeletableTable, name: stories.title as unknown as DeletableTable['name'], label: 'story' },
  region: { table: regions, name: regions.name, label: 'region' },
  hero: { table: heroes as unknown as DeletableTable, name: heroes.name as unknown as DeletableTable['name'], label: 'hero' },
  epic: { table: epics as unknown as DeletableTable, name: epics.name as unknown as DeletableTable['name'], label: 'epic' },
};

/** The same refusal whether the item never existed, is someone else's or is already gone: a delete leaks nothing. */
function notFound(kind: DeletableKind): DomainError {
  return new DomainError('NOT_FOUND', `This ${DELETABLE[kind].label} does not exist`);
}

/**
 * Deletes the owner's item at once: it leaves every list, picker and read (`NOT_FOUND`),
 * and every queued or running job on it ends as failed with "The story was deleted." in
 * the same transaction. Its rows and blobs stay until the undo window passes, when the
 * worker's sweep purges them; until then {@link restoreItem} brings it back whole. Only the
 * owner may delete: an admin reads other people's work but does not change it.
 */
export async function deleteItem(db: Db, user: SessionUser, kind: DeletableKind, id: string): Promise<DeletedItem> {
  const { table, name, label } = DELETABLE[kind];
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(table)
      .set({ deletedAt: new Date() })
      .where(and(eq(table.id, id), eq(table.ownerId, user.id), isNull(table.deletedAt)))
      .returning({ name });
    if (!row) throw notFound(kind);
    await failTargetJobs(tx, id, deletedItemReason(label));
    return { kind, id, name: row.name };
  });
}

/**
 * Brings back an item its owner deleted, as it was, while the sweep has not purged it; an
 * item that is not deleted answers as it is, so a second Undo does no harm. Jobs the delete
 * ended stay ended.
 */
export async function restoreItem(db: Db, user: SessionUser, kind: DeletableKind, id: string): Promise<DeletedItem> {
  const { table, name, label } = DELETABLE[kind];
  const owned = and(eq(table.id, id), eq(table.ownerId, user.id));
  const [restored] = await db
    .update(table)
    .set({ deletedAt: null })
    .where(and(owned, isNotNull(table.deletedAt)))
    .returning({ name });
  const [row] = restored ? [restored] : await db.select({ name }).from(table).where(owned);
  if (!row) throw new DomainError('NOT_FOUND', `This ${label} does not exist, or was deleted too long ago to restore`);
  return { kind, id, name: row.name };
}
