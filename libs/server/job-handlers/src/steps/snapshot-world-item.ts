import { eq, sql } from 'drizzle-orm';
import type { WorldKind, WorldVersionResult } from '@storyline/contracts';
import { worldTables, type WorldItemRow } from '@storyline/db';
import { JobInputError, type JobCompletion, type JobContext } from '@storyline/jobs';
import type { FileJobServices } from '../file-job-services';
import { lockTarget, readTarget } from './lock-target';
import { nextVersion } from './next-version';

/** Every reason the region or hero cannot be versioned as it stands, all at once. */
function problemsOf(row: WorldItemRow): string[] {
  return [
    row.name.trim() ? null : 'it has no name',
    row.description.en?.trim() ? null : 'the English description is empty',
    row.description.ro?.trim() ? null : 'the Romanian description is empty',
  ].filter((problem): problem is string => problem !== null);
}

/**
 * Snapshots a region or hero (`kind`) as version N+1: checks it (a name, both descriptions),
 * checks its image is still in storage, then records the version in the completing
 * transaction with what the row holds then, so a redelivered message never makes two.
 */
export async function snapshotWorldItem({ db, report, job }: JobContext, services: FileJobServices, kind: WorldKind, id: string): Promise<JobCompletion> {
  const { items, versions, versionParent, parentKey } = worldTables[kind];

  await report.phase('validate', 10);
  const row = await readTarget(db, items, id, kind);
  const problems = problemsOf(row);
  if (problems.length > 0) throw new JobInputError(`This ${kind} cannot be versioned yet: ${problems.join('; ')}`, { remedy: { action: 'fix-target', page: null } });

  await report.phase('image', 40);
  if (row.imageBlobName && !(await services.blobs.exists('media', row.imageBlobName))) {
    throw new JobInputError(`The ${kind}'s image is missing from storage; upload it again`, { remedy: { action: 'fix-target', page: null } });
  }

  await report.phase('snapshot', 80);
  return report.complete(async (tx) => {
    // The row lock orders this snapshot against an image upload and another version job.
    const current = await lockTarget(tx, items, id, kind);
    const version = await nextVersion(tx, versions, versionParent, id);
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
}
