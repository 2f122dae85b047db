import { and, desc, eq } from 'drizzle-orm';
import { draftDiffers } from '@storyline/contracts';
import type { Db, Tx } from './create-database';
import { stories, storyVersions } from './schema';

type StoryRow = typeof stories.$inferSelect;

/**
 * Whether the story's draft has changes no published version holds: it is compared with
 * its base version, else the latest published one. The API asks before starting a
 * `story-version` job, the job asks again with the story row locked.
 */
export async function hasUnpublishedChanges(db: Db | Tx, story: Pick<StoryRow, 'id' | 'title' | 'pages' | 'baseVersion'>): Promise<boolean> {
  const query = db.select({ title: storyVersions.title, pages: storyVersions.pages }).from(storyVersions);
  const [base] =
    story.baseVersion === null
      ? await query.where(eq(storyVersions.storyId, story.id)).orderBy(desc(storyVersions.version)).limit(1)
      : await query.where(and(eq(storyVersions.storyId, story.id), eq(storyVersions.version, story.baseVersion)));
  return draftDiffers(story, base ?? null);
}
