import { and, eq, inArray } from 'drizzle-orm';
import { StoryVersionPayload, UNPUBLISHED_CHANGES_MESSAGE, type StoryVersionResult } from '@storyline/contracts';
import { hasUnpublishedChanges, media, nextRevision, stories, storyVersions } from '@storyline/db';
import { JobInputError, type JobCompletion, type JobContext } from '@storyline/jobs';
import type { JobTypeDefinition } from './job-type-definition';
import { lockTarget } from './steps/lock-target';

/**
 * `story-version`: opens a published version as the story's draft. It checks the version
 * and its images, then, in the completing transaction with the story row locked, checks the
 * draft once more for unpublished changes and replaces it. A redelivered message finds the
 * job already completed, so the draft is replaced once.
 */
export const storyVersionJob: JobTypeDefinition = { type: 'story-version', timeoutMs: 60_000, handler: storyVersion };

async function storyVersion({ payload, db, report, signal }: JobContext): Promise<JobCompletion> {
  const { storyId, version, discardChanges } = StoryVersionPayload.parse(payload);

  await report.phase('validate', 10);
  const [source] = await db
    .select({ title: storyVersions.title, pages: storyVersions.pages })
    .from(storyVersions)
    .where(and(eq(storyVersions.storyId, storyId), eq(storyVersions.version, version)));
  if (!source) throw new JobInputError(`Version ${version} of this story does not exist.`);
  const pages = source.pages.map((page) => ({ en: page.en, ro: page.ro, media: page.media ?? [] }));

  await report.phase('media', 40);
  const named = [...new Set(pages.flatMap((page) => page.media))];
  const ready = new Set(
    named.length === 0
      ? []
      : (await db.select({ id: media.id, state: media.state }).from(media).where(and(eq(media.storyId, storyId), inArray(media.id, named))))
          .filter((row) => row.state === 'ready')
          .map((row) => row.id),
  );
  const missing = pages.flatMap((page, index) => (page.media.some((id) => !ready.has(id)) ? [index + 1] : []));
  if (missing.length > 0) throw new JobInputError(`Version ${version} cannot be opened: images on page ${missing.join(', ')} are missing`);

  await report.phase('open', 70);
  signal.throwIfAborted();
  return report.complete(async (tx): Promise<StoryVersionResult> => {
    // The lock keeps a save from slipping in between the check and the replacement.
    const draft = await lockTarget(tx, stories, storyId, 'story');
    const changed = await hasUnpublishedChanges(tx, draft);
    if (changed && !discardChanges) throw new JobInputError(UNPUBLISHED_CHANGES_MESSAGE);
    // A new revision, so an editor still holding the old draft is told of the conflict on its next save rather than overwriting this.
    await tx
      .update(stories)
      .set({ title: source.title, pages, baseVersion: version, revision: nextRevision(stories.revision), updatedAt: new Date() })
      .where(eq(stories.id, storyId));
    return { version, draftVersion: version, pageCount: pages.length, discarded: changed };
  });
}
