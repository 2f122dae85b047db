import { and, desc, eq } from 'drizzle-orm';
import {
  CreateStoryInput,
  DomainError,
  GetStoryInput,
  PublishStoryInput,
  SaveDraftInput,
  type SessionUser,
  type StoryDetail,
} from '@storyline/contracts';
import { stories, type Db } from '@storyline/db';
import { startJob } from '@storyline/jobs';
import { authedProcedure, router } from '../trpc';

type StoryRow = typeof stories.$inferSelect;

function toDetail(row: StoryRow): StoryDetail {
  return {
    id: row.id,
    title: row.title,
    ownerId: row.ownerId,
    pages: row.pages,
    publishedVersion: row.publishedVersion,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The story, if `user` may read it (its owner or an admin). */
async function readStory(db: Db, user: SessionUser, storyId: string): Promise<StoryRow> {
  const [row] = await db.select().from(stories).where(eq(stories.id, storyId));
  if (!row) throw new DomainError('NOT_FOUND', 'This story does not exist');
  if (row.ownerId !== user.id && user.role !== 'admin') throw new DomainError('FORBIDDEN', 'This story belongs to another user');
  return row;
}

/** The story, if `user` owns it: only owners change or publish. */
async function ownStory(db: Db, user: SessionUser, storyId: string): Promise<StoryRow> {
  const row = await readStory(db, user, storyId);
  if (row.ownerId !== user.id) throw new DomainError('FORBIDDEN', 'Only the owner may change this story');
  return row;
}

export const storiesRouter = router({
  list: authedProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db.select().from(stories).where(eq(stories.ownerId, ctx.user.id)).orderBy(desc(stories.updatedAt));
    return rows.map(({ id, title, publishedVersion, updatedAt }) => ({ id, title, publishedVersion, updatedAt: updatedAt.toISOString() }));
  }),
  get: authedProcedure.input(GetStoryInput).query(async ({ ctx, input }) => toDetail(await readStory(ctx.db, ctx.user, input.storyId))),
  create: authedProcedure.input(CreateStoryInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .insert(stories)
      .values({ ownerId: ctx.user.id, title: input.title, pages: [{ en: '', ro: '' }] })
      .returning();
    return toDetail(row);
  }),
  saveDraft: authedProcedure.input(SaveDraftInput).mutation(async ({ ctx, input }) => {
    await ownStory(ctx.db, ctx.user, input.storyId);
    const [row] = await ctx.db
      .update(stories)
      .set({ title: input.title, pages: input.pages, updatedAt: new Date() })
      .where(and(eq(stories.id, input.storyId), eq(stories.ownerId, ctx.user.id)))
      .returning();
    return toDetail(row);
  }),
  publish: authedProcedure.input(PublishStoryInput).mutation(async ({ ctx, input }) => {
    const story = await ownStory(ctx.db, ctx.user, input.storyId);
    const problems = [
      story.pages.length === 0 ? 'the story has no pages' : null,
      ...story.pages.map((page, index) => (page.en.trim() ? null : `page ${index + 1} has no English text`)),
    ].filter((problem): problem is string => problem !== null);
    if (problems.length > 0) throw new DomainError('INVALID', `This story cannot be published yet: ${problems.join('; ')}`);
    return startJob(ctx, {
      type: 'story-publish',
      targetId: story.id,
      ownerId: ctx.user.id,
      payload: { storyId: story.id },
      supersedeQueued: true,
    });
  }),
});
