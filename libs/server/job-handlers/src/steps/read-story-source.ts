import { and, asc, eq } from 'drizzle-orm';
import type { StoryPage } from '@storyline/contracts';
import { media, stories, storyVersions, type Db } from '@storyline/db';
import { JobInputError } from '@storyline/jobs';
import { readTarget } from './lock-target';

export type MediaRow = typeof media.$inferSelect;

/** What an export renders: a story's draft or one published version, and the images it shows. */
export interface StorySource {
  storyId: string;
  title: string;
  version: number | null;
  pages: StoryPage[];
  /** The media the pages name, in first-use order, each once. */
  media: MediaRow[];
}

/** Reads the draft (`version` null) or a published version, failing clearly when either is gone. */
export async function readStorySource(db: Db, storyId: string, version: number | null): Promise<StorySource> {
  const story = await readTarget(db, stories, storyId, 'story');
  let title = story.title;
  let stored = story.pages;
  if (version !== null) {
    const [snapshot] = await db
      .select()
      .from(storyVersions)
      .where(and(eq(storyVersions.storyId, storyId), eq(storyVersions.version, version)));
    if (!snapshot) throw new JobInputError(`Version ${version} of this story does not exist.`);
    title = snapshot.title;
    stored = snapshot.pages;
  }
  // Pages saved before pages held images have no `media` list.
  const pages: StoryPage[] = stored.map((page) => ({ en: page.en, ro: page.ro, media: page.media ?? [] }));
  const rows = await db.select().from(media).where(eq(media.storyId, storyId)).orderBy(asc(media.createdAt));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const used: MediaRow[] = [];
  const seen = new Set<string>();
  for (const [index, page] of pages.entries()) {
    for (const id of page.media) {
      const row = byId.get(id);
      if (!row) throw new JobInputError(`Page ${index + 1} shows an image that no longer exists.`, { remedy: { action: 'fix-target', page: index + 1 } });
      if (row.state !== 'ready') throw new JobInputError('The story’s images are still being copied; try again when they are in place.', { retryable: true });
      if (!seen.has(id)) used.push(row);
      seen.add(id);
    }
  }
  return { storyId, title, version, pages, media: used };
}
