import { and, asc, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import {
  CreateEpicInput,
  DomainError,
  EpicInput,
  GetEpicVersionInput,
  SaveEpicInput,
  type EpicSummary,
  type EpicVersionDetail,
  type EpicVersionSummary,
} from '@storyline/contracts';
import { epicItems, epics, epicVersions, nextRevision } from '@storyline/db';
import { startJob } from '@storyline/jobs';
import { deleteItem, restoreItem } from '../delete-item';
import { sameTexts, settleStaleSave } from '../draft-revision';
import { checkEpicItems, ownEpic, readEpic, toEpicDetail } from '../epic-access';
import { authedProcedure, router } from '../trpc';

/**
 * Epics: the caller's own list, reads for the owner and admins, writes, publishing and
 * versions for the owner only. `publish` and `version` start `epic-publish` and
 * `epic-version` jobs; the newest request of each wins.
 */
export const epicsRouter = router({
  list: authedProcedure.query(async ({ ctx }): Promise<EpicSummary[]> => {
    const rows = await ctx.db.select().from(epics).where(and(eq(epics.ownerId, ctx.user.id), isNull(epics.deletedAt))).orderBy(desc(epics.updatedAt));
    const counts = rows.length
      ? await ctx.db
          .select({ epicId: epicItems.epicId, n: count() })
          .from(epicItems)
          .where(inArray(epicItems.epicId, rows.map((row) => row.id)))
          .groupBy(epicItems.epicId)
      : [];
    const itemCount = new Map(counts.map((row) => [row.epicId, row.n]));
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      itemCount: itemCount.get(row.id) ?? 0,
      publishedVersion: row.publishedVersion,
      latestVersion: row.latestVersion,
      updatedAt: row.updatedAt.toISOString(),
    }));
  }),
  get: authedProcedure.input(EpicInput).query(async ({ ctx, input }) => toEpicDetail(ctx.db, await readEpic(ctx.db, ctx.user, input.id))),
  create: authedProcedure.input(CreateEpicInput).mutation(async ({ ctx, input }) => {
    const [row] = await ctx.db.insert(epics).values({ ownerId: ctx.user.id, name: input.name, description: { en: '', ro: '' } }).returning();
    return toEpicDetail(ctx.db, row);
  }),
  /**
   * Replaces the name, descriptions and the whole ordered item list, if the epic is still at
   * the revision the save was based on (else CONFLICT, unless it already holds exactly this
   * save: see {@link settleStaleSave}); every item must be the owner's.
   */
  save: authedProcedure.input(SaveEpicInput).mutation(async ({ ctx, input }) => {
    await ownEpic(ctx.db, ctx.user, input.id);
    await checkEpicItems(ctx.db, ctx.user.id, input.id, input.items);
    const row = await ctx.db.transaction(async (tx) => {
      // The UPDATE's row lock orders a save against a version job snapshotting the items.
      const [saved] = await tx
        .update(epics)
        .set({ name: input.name, description: input.description, revision: nextRevision(epics.revision), updatedAt: new Date() })
        .where(and(eq(epics.id, input.id), eq(epics.ownerId, ctx.user.id), eq(epics.revision, input.revision)))
        .returning();
      if (!saved) {
        const [stored] = await tx.select().from(epics).where(eq(epics.id, input.id)).for('update');
        const storedItems = await tx.select().from(epicItems).where(eq(epicItems.epicId, input.id)).orderBy(asc(epicItems.position));
        const sameItems = JSON.stringify(storedItems.map((item) => [item.kind, item.itemId])) === JSON.stringify(input.items.map((item) => [item.kind, item.id]));
        return settleStaleSave(stored, (epic) => sameItems && sameTexts(epic, input));
      }
      await tx.delete(epicItems).where(eq(epicItems.epicId, input.id));
      if (input.items.length > 0) {
        await tx.insert(epicItems).values(input.items.map((item, position) => ({ epicId: input.id, position, kind: item.kind, itemId: item.id })));
      }
      return saved;
    });
    return toEpicDetail(ctx.db, row);
  }),
  /** Deletes the owner's epic at once, ending its jobs; `restore` brings it back within the undo window (see `deleteItem`). */
  delete: authedProcedure.input(EpicInput).mutation(({ ctx, input }) => deleteItem(ctx.db, ctx.user, 'epic', input.id)),
  restore: authedProcedure.input(EpicInput).mutation(({ ctx, input }) => restoreItem(ctx.db, ctx.user, 'epic', input.id)),
  /** Publishes the saved epic once every story in it is published; a newer request supersedes one still queued. */
  publish: authedProcedure.input(EpicInput).mutation(async ({ ctx, input }) => {
    const row = await ownEpic(ctx.db, ctx.user, input.id);
    return startJob(ctx, { type: 'epic-publish', targetId: row.id, ownerId: ctx.user.id, payload: { epicId: row.id }, supersedeQueued: true });
  }),
  /** Takes a version of the saved epic as it stands; a newer request supersedes one still queued. */
  version: authedProcedure.input(EpicInput).mutation(async ({ ctx, input }) => {
    const row = await ownEpic(ctx.db, ctx.user, input.id);
    return startJob(ctx, { type: 'epic-version', targetId: row.id, ownerId: ctx.user.id, payload: { epicId: row.id }, supersedeQueued: true });
  }),
  /** The versions taken, published and snapshots alike, newest first. */
  versions: authedProcedure.input(EpicInput).query(async ({ ctx, input }): Promise<EpicVersionSummary[]> => {
    await readEpic(ctx.db, ctx.user, input.id);
    const rows = await ctx.db
      .select({ version: epicVersions.version, kind: epicVersions.kind, name: epicVersions.name, createdAt: epicVersions.createdAt })
      .from(epicVersions)
      .where(eq(epicVersions.epicId, input.id))
      .orderBy(desc(epicVersions.version));
    return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
  }),
  /** One version as it was taken, read-only, its members pinned at their versions then. */
  versionGet: authedProcedure.input(GetEpicVersionInput).query(async ({ ctx, input }): Promise<EpicVersionDetail> => {
    await readEpic(ctx.db, ctx.user, input.id);
    const [row] = await ctx.db
      .select()
      .from(epicVersions)
      .where(and(eq(epicVersions.epicId, input.id), eq(epicVersions.version, input.version)));
    if (!row) throw new DomainError('NOT_FOUND', `Version ${input.version} of this epic does not exist`);
    return {
      id: input.id,
      version: row.version,
      kind: row.kind,
      name: row.name,
      description: row.description,
      members: row.members,
      createdAt: row.createdAt.toISOString(),
    };
  }),
});
