import { Readable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import { StoryPage, StoryPublishPayload, StoryTitle } from '@storyline/contracts';
import { media, stories, storyVersions } from '@storyline/db';
import { JobInputError, type JobCompletion, type JobContext } from '@storyline/jobs';
import { z } from 'zod';
import type { FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';
import { lockTarget, readTarget } from './steps/lock-target';
import { nextVersion } from './steps/next-version';
import { renderPageHtml } from './steps/render-page-html';

/** Checks a draft before it becomes a published version; every problem is listed at once. */
const PublishableDraft = z.object({
  title: StoryTitle,
  pages: z
    .array(StoryPage)
    .min(1, 'a story needs at least one page before it can be published')
    .superRefine((pages, ctx) => {
      pages.forEach((page, index) => {
        if (!page.en.trim()) ctx.addIssue({ code: 'custom', path: [index, 'en'], message: `page ${index + 1} has no English text` });
      });
    }),
});

/** Where a publish job writes its rendition: one folder per story and job, one HTML blob per page. */
export const publishedPageBlobName = (storyId: string, jobId: string, page: number) =>
  `${storyId}/${jobId}/page-${String(page).padStart(3, '0')}.html`;

/**
 * `story-publish`: snapshots a story's draft as published version N+1. It checks the draft,
 * renders every page to HTML in the `published` container (what a reader app serves), then
 * records the version. A re-run renders into the same blobs and the completing transaction
 * records the version once.
 */
export const storyPublishJob: JobTypeDefinition = { type: 'story-publish', timeoutMs: 5 * 60_000, handler: storyPublish };

async function storyPublish({ payload, db, report, job, signal }: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { storyId } = StoryPublishPayload.parse(payload);

  await report.phase('validate', 10);
  const draft = await readTarget(db, stories, storyId, 'story');
  const checked = PublishableDraft.safeParse(draft);
  if (!checked.success) {
    const page = pageAtFault(checked.error.issues);
    throw new JobInputError(`The draft cannot be published: ${checked.error.issues.map((i) => i.message).join('; ')}`, { remedy: { action: 'fix-target', page } });
  }
  const pages = checked.data.pages;
  const ready = new Set(
    (await db.select({ id: media.id, state: media.state }).from(media).where(eq(media.storyId, storyId)))
      .filter((row) => row.state === 'ready')
      .map((row) => row.id),
  );
  const missing = pages.flatMap((page, index) => (page.media.some((id) => !ready.has(id)) ? [index + 1] : []));
  // Images still being copied (a fork's) will be in place soon: the user's Retry can succeed.
  if (missing.length > 0) throw new JobInputError(`The draft cannot be published: images on page ${missing.join(', ')} are not in place yet`, { retryable: true });

  try {
    await report.phase('render', 20);
    for (const [index, page] of pages.entries()) {
      signal.throwIfAborted();
      const html = renderPageHtml(draft.title, page, index + 1, pages.length);
      await services.blobs.upload('published', publishedPageBlobName(storyId, job.id, index + 1), Readable.from([Buffer.from(html)]), {
        contentType: 'text/html; charset=utf-8',
        signal,
      });
      await report.progress(20 + Math.round((70 * (index + 1)) / pages.length), `Rendered page ${index + 1} of ${pages.length}`);
    }

    await report.phase('finalise', 90);
    return await report.complete(async (tx) => {
      // The story row lock serialises publishes of the same story.
      await lockTarget(tx, stories, storyId, 'story');
      const version = await nextVersion(tx, storyVersions, storyVersions.storyId, storyId);
      // The rendered draft is what becomes the version, even if it was edited meanwhile.
      await tx.insert(storyVersions).values({ storyId, version, title: draft.title, pages, jobId: job.id });
      // The draft is now based on what it published, so it has no unpublished changes (unless edited meanwhile).
      await tx.update(stories).set({ publishedVersion: version, baseVersion: version, updatedAt: sql`${stories.updatedAt}` }).where(eq(stories.id, storyId));
      return { version };
    });
  } catch (error) {
    await removeRendition(services, storyId, job.id).catch(() => undefined);
    throw error;
  }
}

/** Deletes a failed attempt's rendered pages, unless its version did commit (then they are the version's). */
async function removeRendition(services: FileJobServices, storyId: string, jobId: string): Promise<void> {
  const committed = await services.db
    .select({ id: storyVersions.id })
    .from(storyVersions)
    .where(eq(storyVersions.jobId, jobId))
    .then((rows) => rows.length > 0, () => true);
  if (committed) return;
  for await (const name of services.blobs.list('published', `${storyId}/${jobId}/`)) await services.blobs.delete('published', name).catch(() => undefined);
}

/** The 1-based page the first problem of a draft lies on (`pages.2.en` → 3), or null when it is not on a page. */
export function pageAtFault(issues: readonly { path: readonly PropertyKey[] }[]): number | null {
  const path = issues[0]?.path ?? [];
  return path[0] === 'pages' && typeof path[1] === 'number' ? path[1] + 1 : null;
}
