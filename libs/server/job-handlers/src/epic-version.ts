import { EpicVersionPayload } from '@storyline/contracts';
import type { JobCompletion, JobContext } from '@storyline/jobs';
import type { JobTypeDefinition } from './job-type-definition';
import { snapshotEpic } from './steps/snapshot-epic';

/**
 * `epic-version`: snapshots the epic as it stands, each member pinned at its current
 * version (null before its first). Two minutes is ample for a few hundred rows.
 */
export const epicVersionJob: JobTypeDefinition = { type: 'epic-version', timeoutMs: 2 * 60_000, handler: epicVersion };

async function epicVersion(context: JobContext): Promise<JobCompletion> {
  const { epicId } = EpicVersionPayload.parse(context.payload);
  return snapshotEpic(context, epicId, 'snapshot');
}
