import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db, Tx } from './create-database';
import { stories } from './schema';
import { epicItems, heroes, regions, type EpicItemKind, type EpicMember } from './world-schema';

/** A member of an epic as it stands now: its owner, its title or name, its current version. */
export interface ResolvedEpicItem extends EpicMember {
  ownerId: string;
}

export interface EpicItemRef {
  kind: EpicItemKind;
  id: string;
}

const LOOKUPS: Record<EpicItemKind, (db: Db | Tx, ids: string[]) => Promise<{ id: string; ownerId: string; name: string; version: number | null }[]>> = {
  story: (db, ids) => db.select({ id: stories.id, ownerId: stories.ownerId, name: stories.title, version: stories.publishedVersion }).from(stories).where(and(inArray(stories.id, ids), isNull(stories.deletedAt))),
  region: (db, ids) => db.select({ id: regions.id, ownerId: regions.ownerId, name: regions.name, version: regions.latestVersion }).from(regions).where(and(inArray(regions.id, ids), isNull(regions.deletedAt))),
  hero: (db, ids) => db.select({ id: heroes.id, ownerId: heroes.ownerId, name: heroes.name, version: heroes.latestVersion }).from(heroes).where(and(inArray(heroes.id, ids), isNull(heroes.deletedAt))),
};

/**
 * Looks up each item in order: a story's title and published version, a region's or hero's
 * name and latest version. An item that was deleted (or no longer exists) comes back as null in its place.
 */
export async function resolveEpicItems(db: Db | Tx, refs: readonly EpicItemRef[]): Promise<(ResolvedEpicItem | null)[]> {
  const found = new Map<string, ResolvedEpicItem>();
  for (const kind of ['story', 'region', 'hero'] as const) {
    const ids = refs.filter((ref) => ref.kind === kind).map((ref) => ref.id);
    if (ids.length === 0) continue;
    for (const row of await LOOKUPS[kind](db, ids)) found.set(`${kind}:${row.id}`, { kind, ...row });
  }
  return refs.map((ref) => found.get(`${ref.kind}:${ref.id}`) ?? null);
}

/** The epic's members in order, as stored. */
export async function listEpicItems(db: Db | Tx, epicId: string): Promise<EpicItemRef[]> {
  const rows = await db.select({ kind: epicItems.kind, id: epicItems.itemId }).from(epicItems).where(eq(epicItems.epicId, epicId)).orderBy(asc(epicItems.position));
  return rows;
}
