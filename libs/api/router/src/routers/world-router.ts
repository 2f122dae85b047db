import { and, desc, eq, isNull } from 'drizzle-orm';
import {
  CreateWorldItemInput,
  DomainError,
  GetWorldVersionInput,
  SaveWorldItemInput,
  WorldItemInput,
  type WorldKind,
  type WorldVersionDetail,
  type WorldVersionSummary,
} from '@storyline/contracts';
import { nextRevision, worldTables } from '@storyline/db';
import { startJob } from '@storyline/jobs';
import { deleteItem, restoreItem } from '../delete-item';
import { sameTexts, settleStaleSave } from '../draft-revision';
import { ownWorldItem, readWorldItem, toWorldDetail, toWorldImage, WORLD_KIND_NAMES } from '../world-access';
import { authedProcedure, router } from '../trpc';

/**
 * The router of one kind of world item (`regions` or `heroes`): the caller's own list,
 * reads for the owner and admins, writes and versions for the owner only. A version is
 * taken by a job (`region-version`, `hero-version`); the newest request wins.
 */
export function createWorldRouter(kind: WorldKind) {
  const { items, versions, versionParent, parentKey } = worldTables[kind];
  const { label, jobType } = WORLD_KIND_NAMES[kind];
  return router({
    list: authedProcedure.query(async ({ ctx }) => {
      const rows = await ctx.db.select().from(items).where(and(eq(items.ownerId, ctx.user.id), isNull(items.deletedAt))).orderBy(desc(items.updatedAt));
      return rows.map(({ id, name, latestVersion, updatedAt }) => ({ id, name, latestVersion, updatedAt: updatedAt.toISOString() }));
    }),
    get: authedProcedure.input(WorldItemInput).query(async ({ ctx, input }) => toWorldDetail(kind, await readWorldItem(ctx.db, ctx.user, kind, input.id))),
    create: authedProcedure.input(CreateWorldItemInput).mutation(async ({ ctx, input }) => {
      const [row] = await ctx.db.insert(items).values({ ownerId: ctx.user.id, name: input.name, description: { en: '', ro: '' } }).returning();
      return toWorldDetail(kind, row);
    }),
    /** Saves the name and descriptions, if the item is still at the revision the save was based on (else CONFLICT: see {@link settleStaleSave}). */
    save: authedProcedure.input(SaveWorldItemInput).mutation(async ({ ctx, input }) => {
      await ownWorldItem(ctx.db, ctx.user, kind, input.id);
      const [row] = await ctx.db
        .update(items)
        .set({ name: input.name, description: input.description, revision: nextRevision(items.revision), updatedAt: new Date() })
        .where(and(eq(items.id, input.id), eq(items.ownerId, ctx.user.id), eq(items.revision, input.revision)))
        .returning();
      if (row) return toWorldDetail(kind, row);
      const [stored] = await ctx.db.select().from(items).where(eq(items.id, input.id));
      return toWorldDetail(kind, settleStaleSave(stored, (item) => sameTexts(item, input)));
    }),
    /** Deletes the owner's item at once, ending its jobs; `restore` brings it back within the undo window (see `deleteItem`). */
    delete: authedProcedure.input(WorldItemInput).mutation(({ ctx, input }) => deleteItem(ctx.db, ctx.user, kind, input.id)),
    restore: authedProcedure.input(WorldItemInput).mutation(({ ctx, input }) => restoreItem(ctx.db, ctx.user, kind, input.id)),
    /** Takes a version of the saved state; a newer request supersedes one still queued. */
    version: authedProcedure.input(WorldItemInput).mutation(async ({ ctx, input }) => {
      const row = await ownWorldItem(ctx.db, ctx.user, kind, input.id);
      return startJob(ctx, { type: jobType, targetId: row.id, ownerId: ctx.user.id, payload: { [parentKey]: row.id }, supersedeQueued: true });
    }),
    /** The versions taken, newest first. */
    versions: authedProcedure.input(WorldItemInput).query(async ({ ctx, input }): Promise<WorldVersionSummary[]> => {
      await readWorldItem(ctx.db, ctx.user, kind, input.id);
      const rows = await ctx.db
        .select({ version: versions.version, name: versions.name, createdAt: versions.createdAt })
        .from(versions)
        .where(eq(versionParent, input.id))
        .orderBy(desc(versions.version));
      return rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() }));
    }),
    /** One version as it was taken, read-only. */
    versionGet: authedProcedure.input(GetWorldVersionInput).query(async ({ ctx, input }): Promise<WorldVersionDetail> => {
      await readWorldItem(ctx.db, ctx.user, kind, input.id);
      const [row] = await ctx.db
        .select()
        .from(versions)
        .where(and(eq(versionParent, input.id), eq(versions.version, input.version)));
      if (!row) throw new DomainError('NOT_FOUND', `Version ${input.version} of this ${label} does not exist`);
      return {
        id: input.id,
        version: row.version,
        name: row.name,
        description: row.description,
        image: toWorldImage(kind, input.id, row, row.version),
        createdAt: row.createdAt.toISOString(),
      };
    }),
  });
}
