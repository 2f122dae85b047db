import { eq, sql } from 'drizzle-orm';
import type { EpicVersionResult } from '@storyline/contracts';
import { epics, epicVersions, listEpicItems, resolveEpicItems, type EpicMember, type ResolvedEpicItem, type Tx } from '@storyline/db';
import { JobInputError, type JobCompletion, type JobContext } from '@storyline/jobs';
import { lockTarget, readTarget } from './lock-target';
import { nextVersion } from './next-version';

export type EpicSnapshotKind = 'published' | 'snapshot';

const quoted = (members: readonly ResolvedEpicItem[]) => members.map((member) => `“${member.name}”`).join(', ');

/**
 * Every reason the epic cannot become this kind of version, in one sentence. Both kinds
 * refuse members that are gone or not the owner's; publishing also wants every story
 * published and every region and hero versioned, so the version pins nothing as "none".
 */
export function epicProblems(kind: EpicSnapshotKind, ownerId: string, members: readonly (ResolvedEpicItem | null)[]): string[] {
  const gone = members.filter((member) => member === null).length;
  const present = members.filter((member): member is ResolvedEpicItem => member !== null);
  const foreign = present.filter((member) => member.ownerId !== ownerId);
  const problems = [
    gone > 0 ? `${gone === 1 ? 'an item no longer exists' : `${gone} items no longer exist`}; remove ${gone === 1 ? 'it' : 'them'} and save` : null,
    foreign.length > 0 ? `not the owner’s: ${quoted(foreign)}` : null,
  ];
  if (kind === 'published') {
    const own = present.filter((member) => member.ownerId === ownerId);
    const unpublished = own.filter((member) => member.kind === 'story' && member.version === null);
    const unversioned = own.filter((member) => member.kind !== 'story' && member.version === null);
    problems.unshift(
      members.length === 0 ? 'an epic needs at least one item before it can be published' : null,
      unpublished.length > 0 ? `Not published yet: ${quoted(unpublished)}` : null,
      unversioned.length > 0 ? `No version yet: ${quoted(unversioned)}` : null,
    );
  }
  return problems.filter((problem): problem is string => problem !== null);
}

const refusal: Record<EpicSnapshotKind, string> = { published: 'The epic cannot be published', snapshot: 'The epic cannot be versioned' };

/** The members as they are under the lock, checked again: what was validated may have changed since. */
async function pinnedMembers(tx: Tx, kind: EpicSnapshotKind, epicId: string, ownerId: string): Promise<EpicMember[]> {
  const members = await resolveEpicItems(tx, await listEpicItems(tx, epicId));
  const problems = epicProblems(kind, ownerId, members);
  if (problems.length > 0) throw new JobInputError(`${refusal[kind]}. ${problems.join('. ')}.`, { remedy: { action: 'fix-target', page: null } });
  return (members as ResolvedEpicItem[]).map(({ kind: memberKind, id, name, version }) => ({ kind: memberKind, id, name, version }));
}

/**
 * Snapshots an epic as version N+1 (`published` by `epic-publish`, `snapshot` by
 * `epic-version`): checks each member in turn, then, under the epic's row lock in the
 * completing transaction, pins every member's current version, so a redelivered message
 * finds the job done and never makes a second version.
 */
export async function snapshotEpic({ db, report, job, signal }: JobContext, epicId: string, kind: EpicSnapshotKind): Promise<JobCompletion> {
  await report.phase('validate', 10);
  const epic = await readTarget(db, epics, epicId, 'epic');
  const refs = await listEpicItems(db, epicId);
  const members: (ResolvedEpicItem | null)[] = [];
  for (const [index, ref] of refs.entries()) {
    signal.throwIfAborted();
    const [member] = await resolveEpicItems(db, [ref]);
    members.push(member);
    await report.progress(10 + Math.round((70 * (index + 1)) / refs.length), `Checked item ${index + 1} of ${refs.length}${member ? `: ${member.name}` : ''}`);
  }
  const problems = epicProblems(kind, epic.ownerId, members);
  if (problems.length > 0) throw new JobInputError(`${refusal[kind]}. ${problems.join('. ')}.`, { remedy: { action: 'fix-target', page: null } });

  await report.phase('snapshot', 85);
  return report.complete(async (tx) => {
    // The row lock orders this snapshot against a save of the epic and another version job.
    const current = await lockTarget(tx, epics, epicId, 'epic');
    const pinned = await pinnedMembers(tx, kind, epicId, current.ownerId);
    const version = await nextVersion(tx, epicVersions, epicVersions.epicId, epicId);
    await tx.insert(epicVersions).values({ epicId, version, kind, name: current.name, description: current.description, members: pinned, jobId: job.id });
    await tx
      .update(epics)
      .set({ latestVersion: version, ...(kind === 'published' ? { publishedVersion: version } : {}), updatedAt: sql`${epics.updatedAt}` })
      .where(eq(epics.id, epicId));
    const result: EpicVersionResult = { version, memberCount: pinned.length };
    return result;
  });
}
