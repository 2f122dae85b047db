import { eq } from 'drizzle-orm';
import { DomainError, type JobType, type MediaContentType, type SessionUser, type WorldImage, type WorldItemDetail, type WorldKind } from '@storyline/contracts';
import { worldTables, type Db, type WorldItemRow } from '@storyline/db';

/** How each kind of world item is named in sentences, URLs and job types. */
export const WORLD_KIND_NAMES: Record<WorldKind, { label: string; area: string; jobType: JobType }> = {
  region: { label: 'region', area: 'regions', jobType: 'region-version' },
  hero: { label: 'hero', area: 'heroes', jobType: 'hero-version' },
};

/** The region or hero, if `user` may read it (its owner or an admin); a deleted one does not exist for anyone. */
export async function readWorldItem(db: Db, user: SessionUser, kind: WorldKind, id: string): Promise<WorldItemRow> {
  const { items } = worldTables[kind];
  const { label } = WORLD_KIND_NAMES[kind];
  const [row] = await db.select().from(items).where(eq(items.id, id));
  if (!row || row.deletedAt) throw new DomainError('NOT_FOUND', `This ${label} does not exist`);
  if (row.ownerId !== user.id && user.role !== 'admin') throw new DomainError('FORBIDDEN', `This ${label} belongs to another user`);
  return row;
}

/** The region or hero, if `user` owns it: only owners change it or take versions. */
export async function ownWorldItem(db: Db, user: SessionUser, kind: WorldKind, id: string): Promise<WorldItemRow> {
  const row = await readWorldItem(db, user, kind, id);
  if (row.ownerId !== user.id) throw new DomainError('FORBIDDEN', `Only the owner may change this ${WORLD_KIND_NAMES[kind].label}`);
  return row;
}

interface ImageColumns {
  imageBlobName: string | null;
  imageContentType: string | null;
  imageByteSize: number | null;
}

/** The image a row holds, served at `url` (a version's adds `?version=N`). */
export function toWorldImage(kind: WorldKind, id: string, row: ImageColumns, version?: number): WorldImage | null {
  if (!row.imageBlobName || !row.imageContentType || row.imageByteSize === null) return null;
  const url = `/files/${WORLD_KIND_NAMES[kind].area}/${id}/image${version === undefined ? '' : `?version=${version}`}`;
  // Stamping the blob in the URL lets a browser keep an image until it is replaced.
  const stamp = `${version === undefined ? '?' : '&'}v=${encodeURIComponent(row.imageBlobName.split('/').pop() ?? '')}`;
  return { contentType: row.imageContentType as MediaContentType, byteSize: row.imageByteSize, url: url + stamp };
}

export function toWorldDetail(kind: WorldKind, row: WorldItemRow): WorldItemDetail {
  return {
    id: row.id,
    name: row.name,
    ownerId: row.ownerId,
    description: row.description,
    latestVersion: row.latestVersion,
    updatedAt: row.updatedAt.toISOString(),
    revision: row.revision,
    image: toWorldImage(kind, row.id, row),
  };
}
