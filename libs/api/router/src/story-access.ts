import { asc, eq } from 'drizzle-orm';
import { DomainError, type MediaView, type SessionUser, type StoryDetail } from '@storyline/contracts';
import { hasUnpublishedChanges, media, stories, type Db } from '@storyline/db';

export type StoryRow = typeof stories.$inferSelect;
export type MediaRow = typeof media.$inferSelect;

/** The story, if `user` may read it (its owner or an admin); a deleted story does not exist for anyone. */
export async function readStory(db: Db, user: SessionUser, storyId: string): Promise<StoryRow> {
  const [row] = await db.select().from(stories).where(eq(stories.id, storyId));
  if (!row || row.deletedAt) throw new DomainError('NOT_FOUND', 'This story does not exist');
  if (row.ownerId !== user.id && user.role !== 'admin') throw new DomainError('FORBIDDEN', 'This story belongs to another user');
  return row;
}

/** The story, if `user` owns it: only owners change or publish. */
export async function ownStory(db: Db, user: SessionUser, storyId: string): Promise<StoryRow> {
  const row = await readStory(db, user, storyId);
  if (row.ownerId !== user.id) throw new DomainError('FORBIDDEN', 'Only the owner may change this story');
  return row;
}

export function toMediaView(row: MediaRow): MediaView {
  return {
    id: row.id,
    storyId: row.storyId,
    fileName: row.fileName,
    contentType: row.contentType,
    byteSize: row.byteSize,
    state: row.state,
    url: `/files/media/${row.id}`,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listMedia(db: Db, storyId: string): Promise<MediaView[]> {
  const rows = await db.select().from(media).where(eq(media.storyId, storyId)).orderBy(asc(media.createdAt), asc(media.id));
  return rows.map(toMediaView);
}

export async function toDetail(db: Db, row: StoryRow): Promise<StoryDetail> {
  return {
    id: row.id,
    title: row.title,
    ownerId: row.ownerId,
    // Drafts saved before pages held images have no `media` list.
    pages: row.pages.map((page) => ({ en: page.en, ro: page.ro, media: page.media ?? [] })),
    publishedVersion: row.publishedVersion,
    updatedAt: row.updatedAt.toISOString(),
    media: await listMedia(db, row.id),
    forkedFrom: row.forkedFromId ? { storyId: row.forkedFromId, title: row.forkedFromTitle ?? '' } : null,
    baseVersion: row.baseVersion,
    hasUnpublishedChanges: await hasUnpublishedChanges(db, row),
    revision: row.revision,
  };
}
