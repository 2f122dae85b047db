import { EpicPublishPayload } from '@storyline/contracts';
import type { JobCompletion, JobContext } from '@storyline/jobs';
import type { JobTypeDefinition } from './job-type-definition';
import { snapshotEpic } from './steps/snapshot-epic';

/**
 * `epic-publish`: once every story in the epic is published and every region and hero
 * versioned, snapshots the epic as a published version pinning each member's version.
 * Two minutes is ample for a few hundred rows.
 */
export const epicPublishJob: JobTypeDefinition = { type: 'epic-publish', timeoutMs: 2 * 60_000, handler: epicPublish };

async function epicPublish(context: JobContext): Promise<JobCompletion> {
  const { epicId } = EpicPublishPayload.parse(context.payload);
  return snapshotEpic(context, epicId, 'published');
}
