import { desc, eq, sql } from 'drizzle-orm';
import { StoryPage, StoryPublishPayload, StoryTitle } from '@storyline/contracts';
import { stories, storyVersions } from '@storyline/db';
import type { JobContext, JobDefinition } from '@storyline/jobs';
import { z } from 'zod';

/** Checks a draft before it becomes a published version; every problem is listed at once. */
const PublishableDraft = z.object({
  title: StoryTitle,
  pages: z
    .array(StoryPage)
    .min(1, 'a story needs at least one page before it can be published')
    .superRefine((pages, ctx) => {
      pages.forEach((page, index) => {
        if (!page.en.trim()) ctx.addIssue({ code: 'custom', message: `page ${index + 1} has no English text` });
      });
    }),
});

/** Snapshots a story's draft as published version N+1. */
export async function storyPublish({ payload, db, report, job, signal }: JobContext) {
  const { storyId } = StoryPublishPayload.parse(payload);

  await report.phase('validate', 10);
  const [draft] = await db.select().from(stories).where(eq(stories.id, storyId));
  if (!draft) throw new Error(`Story ${storyId} no longer exists`);
  const checked = PublishableDraft.safeParse(draft);
  if (!checked.success) throw new Error(`The draft cannot be published: ${checked.error.issues.map((i) => i.message).join('; ')}`);

  await report.phase('snapshot', 30);
  // Rendering each page is where a real publish spends its time; report as it goes.
  for (const [index] of draft.pages.entries()) {
    signal.throwIfAborted();
    await report.progress(30 + Math.round((60 * (index + 1)) / draft.pages.length), `Page ${index + 1} of ${draft.pages.length}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }

  await report.phase('finalise', 90);
  return report.complete(async (tx) => {
    // The story row lock serialises publishes of the same story.
    const [locked] = await tx.select().from(stories).where(eq(stories.id, storyId)).for('update');
    if (!locked) throw new Error(`Story ${storyId} no longer exists`);
    const [latest] = await tx
      .select({ version: storyVersions.version })
      .from(storyVersions)
      .where(eq(storyVersions.storyId, storyId))
      .orderBy(desc(storyVersions.version))
      .limit(1);
    const version = (latest?.version ?? 0) + 1;
    await tx.insert(storyVersions).values({ storyId, version, title: locked.title, pages: locked.pages, jobId: job.id });
    await tx.update(stories).set({ publishedVersion: version, updatedAt: sql`${stories.updatedAt}` }).where(eq(stories.id, storyId));
    return { version };
  });
}

export const storyPublishJob: JobDefinition = { type: 'story-publish', handler: storyPublish, timeoutMs: 5 * 60_000 };
