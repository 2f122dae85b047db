import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import {
  CreateStoryInput,
  DomainError,
  draftDiffers,
  ExportDocumentInput,
  ExportStoryInput,
  ForkStoryInput,
  GetStoryInput,
  OpenVersionInput,
  PublishStoryInput,
  SaveDraftInput,
  type StoryVersionSummary,
  UNPUBLISHED_CHANGES_MESSAGE,
} from '@storyline/contracts';
import { hasUnpublishedChanges, media, nextRevision, stories, storyVersions, type Db, type Tx } from '@storyline/db';
import { startJob } from '@storyline/jobs';
import { deleteItem, restoreItem } from '../delete-item';
import { settleStaleSave } from '../draft-revision';
import { ownStory, readStory, toDetail } from '../story-access';
import { authedProcedure, router } from '../trpc';

/** A published version must exist before anyone exports it; `null` stands for the draft. */
async function checkVersion(db: Db, storyId: string, version: number | null | undefined): Promise<number | null> {
  if (version === null || version === undefined) return null;
  const [row] = await db
    .select({ version: storyVersions.version })
    .from(storyVersions)
    .where(and(eq(storyVersions.storyId, storyId), eq(storyVersions.version, version)));
  if (!row) throw new DomainError('NOT_FOUND', `Version ${version} of this story does not exist`);
  return version;
}

/** Every image a draft's pages name must be one of the story's own. */
async function checkPageMedia(db: Db, storyId: string, pages: SaveDraftInput['pages']): Promise<void> {
  const named = [...new Set(pages.flatMap((page) => page.media))];
  if (named.length === 0) return;
  const owned = await db
    .select({ id: media.id })
    .from(media)
    .where(and(eq(media.storyId, storyId), inArray(media.id, named)));
  const known = new Set(owned.map((row) => row.id));
  const foreign = pages.flatMap((page, index) => (page.media.some((id) => !known.has(id)) ? [index + 1] : []));
  if (foreign.length > 0) throw new DomainError('INVALID', `Page ${foreign.join(', ')} names images that are not this story's`);
}

/**
 * Marks released the story's images in `dropped` (this save took them off their last page)
 * and unmarks those in `kept` (a removal undone). A released image stays stored through the
 * undo window, so Undo can put it back after an autosave; then the worker's sweep deletes it
 * unless a published version still shows it or a fork is copying it (`purgeReleasedMedia`).
 */
async function markReleasedMedia(tx: Tx, storyId: string, dropped: string[], kept: string[]): Promise<void> {
  if (dropped.length > 0) {
    await tx
      .update(media)
      .set({ releasedAt: new Date() })
      .where(and(eq(media.storyId, storyId), inArray(media.id, dropped), isNull(media.releasedAt)));
  }
  if (kept.length > 0) {
    await tx
      .update(media)
      .set({ releasedAt: null })
      .where(and(eq(media.storyId, storyId), inArray(media.id, kept), isNotNull(media.releasedAt)));
  }
}

export const storiesRouter = router({
  list: authedProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db.select().from(stories).where(and(eq(stories.ownerId, ctx.user.id), isNull(stories.deletedAt))).orderBy(desc(stories.updatedAt));
    return rows.map(({ id, title, publishedVersion, updatedAt }) => ({ id, title, publishedVersion, updatedAt: updatedAt.toISOString() }));
  }),
  get: authedProcedure.input(GetStoryInput).query(async ({ ctx, input }) => toDetail(ctx.db, await readStory(ctx.db, ctx.user, input.storyId))),
  /** The story's published versions, newest first. */
  versions: authedProcedure.input(GetStoryInput).query(async ({ ctx, input }): Promise<StoryVersionSummary[]> => {
    await readStory(ctx.db, ctx.user, input.storyId);
    const rows = await ctx.db
      .select({ version: storyVersions.version, title: storyVersions.title, publishedAt: storyVersions.publishedAt })
      .from(storyVersions)
      .where(eq(storyVersions.storyId, input.storyId))
      .orderBy(desc(storyVersions.version));
    return rows.map((row) => ({ ...row, publishedAt: row.publishedAt.toISOString() }));
  }),
  create: authedProcedure.input(CreateStoryInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.db
      .insert(stories)
      .values({ ownerId: ctx.user.id, title: input.title, pages: [{ en: '', ro: '', media: [] }] })
      .returning();
    return toDetail(ctx.db, row);
  }),
  /** Deletes the owner's story at once, ending its jobs; `restore` brings it back within the undo window (see `deleteItem`). */
  delete: authedProcedure.input(GetStoryInput).mutation(({ ctx, input }) => deleteItem(ctx.db, ctx.user, 'story', input.storyId)),
  restore: authedProcedure.input(GetStoryInput).mutation(({ ctx, input }) => restoreItem(ctx.db, ctx.user, 'story', input.storyId)),
  /**
   * Saves the draft, if it is still at the revision the save was based on (else CONFLICT,
   * unless the draft already holds these very words: see {@link settleStaleSave}). An image
   * this save takes off its last page is released: deleted by the worker once the undo
   * window passed, unless a save names it again before.
   */
  saveDraft: authedProcedure.input(SaveDraftInput).mutation(async ({ ctx, input }) => {
    await ownStory(ctx.db, ctx.user, input.storyId);
    await checkPageMedia(ctx.db, input.storyId, input.pages);
    const row = await ctx.db.transaction(async (tx) => {
      const [before] = await tx.select().from(stories).where(eq(stories.id, input.storyId)).for('update');
      const [saved] = await tx
        .update(stories)
        .set({ title: input.title, pages: input.pages, revision: nextRevision(stories.revision), updatedAt: new Date() })
        .where(and(eq(stories.id, input.storyId), eq(stories.ownerId, ctx.user.id), eq(stories.revision, input.revision)))
        .returning();
      if (!saved) return settleStaleSave(before, (stored) => !draftDiffers(input, stored));
      const kept = new Set(input.pages.flatMap((page) => page.media));
      const dropped = [...new Set((before?.pages ?? []).flatMap((page) => page.media ?? []))].filter((id) => !kept.has(id));
      await markReleasedMedia(tx, input.storyId, dropped, [...kept]);
      return saved;
    });
    return toDetail(ctx.db, row);
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
  /**
   * Opens a published version as the draft (a `story-version` job); refused at once when
   * the draft has unpublished changes, unless `discardChanges` confirms losing them.
   */
  openVersion: authedProcedure.input(OpenVersionInput).mutation(async ({ ctx, input }) => {
    const story = await ownStory(ctx.db, ctx.user, input.storyId);
    await checkVersion(ctx.db, story.id, input.version);
    const version = input.version;
    const discardChanges = input.discardChanges ?? false;
    if (!discardChanges && (await hasUnpublishedChanges(ctx.db, story))) throw new DomainError('CONFLICT', UNPUBLISHED_CHANGES_MESSAGE);
    return startJob(ctx, {
      type: 'story-version',
      targetId: story.id,
      ownerId: ctx.user.id,
      payload: { storyId: story.id, version, discardChanges },
      supersedeQueued: true,
    });
  }),
  /** Builds a ZIP of the draft or a published version; the owner and admins may export. */
  export: authedProcedure.input(ExportStoryInput).mutation(async ({ ctx, input }) => {
    const story = await readStory(ctx.db, ctx.user, input.storyId);
    const version = await checkVersion(ctx.db, story.id, input.version);
    return startJob(ctx, { type: 'story-export', targetId: story.id, ownerId: ctx.user.id, payload: { storyId: story.id, version } });
  }),
  /** Renders one language of the draft or a published version to a PDF. */
  exportDocument: authedProcedure.input(ExportDocumentInput).mutation(async ({ ctx, input }) => {
    const story = await readStory(ctx.db, ctx.user, input.storyId);
    const version = await checkVersion(ctx.db, story.id, input.version);
    return startJob(ctx, {
      type: 'story-document-export',
      targetId: story.id,
      ownerId: ctx.user.id,
      payload: { storyId: story.id, version, language: input.language },
    });
  }),
  /** Copies a story the caller may read into a new one the caller owns; its images follow in a second job. */
  fork: authedProcedure.input(ForkStoryInput).mutation(async ({ ctx, input }) => {
    const story = await readStory(ctx.db, ctx.user, input.storyId);
    return startJob(ctx, {
      type: 'story-fork',
      targetId: story.id,
      ownerId: ctx.user.id,
      payload: { sourceStoryId: story.id, storyId: randomUUID() },
    });
  }),
});
