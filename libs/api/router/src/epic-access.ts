import { eq } from 'drizzle-orm';
import { DomainError, type EpicDetail, type EpicItem, type EpicItemRef, type SessionUser } from '@storyline/contracts';
import { epics, listEpicItems, resolveEpicItems, type Db } from '@storyline/db';

export type EpicRow = typeof epics.$inferSelect;

const KIND_LABELS = { story: 'story', region: 'region', hero: 'hero' } as const;

/** The epic, if `user` may read it (its owner or an admin); a deleted epic does not exist for anyone. */
export async function readEpic(db: Db, user: SessionUser, id: string): Promise<EpicRow> {
  const [row] = await db.select().from(epics).where(eq(epics.id, id));
  if (!row || row.deletedAt) throw new DomainError('NOT_FOUND', 'This epic does not exist');
  if (row.ownerId !== user.id && user.role !== 'admin') throw new DomainError('FORBIDDEN', 'This epic belongs to another user');
  return row;
}

/** The epic, if `user` owns it: only owners change it, publish it or take versions. */
export async function ownEpic(db: Db, user: SessionUser, id: string): Promise<EpicRow> {
  const row = await readEpic(db, user, id);
  if (row.ownerId !== user.id) throw new DomainError('FORBIDDEN', 'Only the owner may change this epic');
  return row;
}

/**
 * Refuses, naming it, the first item that does not exist or is not the owner's: an epic holds
 * only its owner's own work. A member the epic already holds may stay after it was deleted,
 * so the epic still saves while it shows the gap (publishing asks to remove it first).
 */
export async function checkEpicItems(db: Db, ownerId: string, epicId: string, refs: readonly EpicItemRef[]): Promise<void> {
  const resolved = await resolveEpicItems(db, refs);
  const held = new Set((await listEpicItems(db, epicId)).map((ref) => `${ref.kind}:${ref.id}`));
  refs.forEach((ref, index) => {
    const item = resolved[index];
    const label = KIND_LABELS[ref.kind];
    if (!item && held.has(`${ref.kind}:${ref.id}`)) return;
    if (!item) throw new DomainError('INVALID', `The ${label} ${ref.id} does not exist`);
    if (item.ownerId !== ownerId) throw new DomainError('INVALID', `The ${label} “${item.name}” is not yours, so it cannot be in your epic`);
  });
}

/** The epic with its items in order, each with its current title or name and version (a deleted item shows as such). */
export async function toEpicDetail(db: Db, row: EpicRow): Promise<EpicDetail> {
  const refs = await listEpicItems(db, row.id);
  const resolved = await resolveEpicItems(db, refs);
  const items: EpicItem[] = refs.map((ref, index) => {
    const item = resolved[index];
    return { kind: ref.kind, id: ref.id, name: item?.name ?? `(deleted ${KIND_LABELS[ref.kind]})`, version: item?.version ?? null };
  });
  return {
    id: row.id,
    ownerId: row.ownerId,
    name: row.name,
    description: row.description,
    itemCount: items.length,
    publishedVersion: row.publishedVersion,
    latestVersion: row.latestVersion,
    updatedAt: row.updatedAt.toISOString(),
    revision: row.revision,
    items,
  };
}
