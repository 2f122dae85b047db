import { desc, eq, sql } from 'drizzle-orm';
import { HeroVersionPayload, RegionVersionPayload, type WorldKind, type WorldVersionResult } from '@storyline/contracts';
import { worldTables, type WorldItemRow } from '@storyline/db';
import { JobInputError, type JobContext, type JobDefinition } from '@storyline/jobs';
import type { FileJobServices } from './file-job-services';

const LABELS: Record<WorldKind, string> = { region: 'region', hero: 'hero' };

/** Every reason the region or hero cannot be versioned as it stands, all at once. */
function problemsOf(row: WorldItemRow): string[] {
  return [
    row.name.trim() ? null : 'it has no name',
    row.description.en?.trim() ? null : 'the English description is empty',
    row.description.ro?.trim() ? null : 'the Romanian description is empty',
  ].filter((problem): problem is string => problem !== null);
}

/** The id a version job's payload names, parsed on the handler's first line. */
const parsePayload: Record<WorldKind, (payload: unknown) => string> = {
  region: (payload) => RegionVersionPayload.parse(payload).regionId,
  hero: (payload) => HeroVersionPayload.parse(payload).heroId,
};

/**
 * Snapshots a region or hero as version N+1: checks it (a name, both descriptions),
 * checks its image is still in storage, then records the version in the completing
 * transaction with what the row holds then, so a redelivered message never makes two.
 */
export function createWorldVersion(kind: WorldKind, services: FileJobServices) {
  const { items, versions, versionParent, parentKey } = worldTables[kind];
  const label = LABELS[kind];
  return async function worldVersion({ payload, db, report, job }: JobContext) {
    const id = parsePayload[kind](payload);

    await report.phase('validate', 10);
    const [row] = await db.select().from(items).where(eq(items.id, id));
    if (!row) throw new JobInputError(`The ${label} no longer exists.`);
    const problems = problemsOf(row);
    if (problems.length > 0) throw new JobInputError(`This ${label} cannot be versioned yet: ${problems.join('; ')}`);

    await report.phase('image', 40);
    if (row.imageBlobName && !(await services.blobs.exists('media', row.imageBlobName))) {
      throw new JobInputError(`The ${label}'s image is missing from storage; upload it again`);
    }

    await report.phase('snapshot', 80);
    return report.complete(async (tx) => {
      // The row lock orders this snapshot against an image upload and another version job.
      const [current] = await tx.select().from(items).where(eq(items.id, id)).for('update');
      if (!current) throw new JobInputError(`The ${label} no longer exists.`);
      const [latest] = await tx.select({ version: versions.version }).from(versions).where(eq(versionParent, id)).orderBy(desc(versions.version)).limit(1);
      const version = (latest?.version ?? 0) + 1;
      // The parent's key differs by kind (`regionId`, `heroId`); see `WorldTables`.
      await tx.insert(versions).values({
        [parentKey]: id,
        version,
        name: current.name,
        description: current.description,
        imageBlobName: current.imageBlobName,
        imageContentType: current.imageContentType,
        imageByteSize: current.imageByteSize,
        jobId: job.id,
      } as unknown as typeof versions.$inferInsert);
      await tx.update(items).set({ latestVersion: version, updatedAt: sql`${items.updatedAt}` }).where(eq(items.id, id));
      const result: WorldVersionResult = { version };
      return result;
    });
  };
}

/** The job definition of a kind's version job: two minutes is ample for a row and one blob check. */
export function worldVersionJob(kind: WorldKind, services: FileJobServices): JobDefinition {
  return { type: kind === 'region' ? 'region-version' : 'hero-version', handler: createWorldVersion(kind, services), timeoutMs: 2 * 60_000 };
}
