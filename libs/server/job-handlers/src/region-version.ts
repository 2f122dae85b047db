import { RegionVersionPayload } from '@storyline/contracts';
import type { JobCompletion, JobContext } from '@storyline/jobs';
import type { FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';
import { snapshotWorldItem } from './steps/snapshot-world-item';

/**
 * `region-version`: snapshots a region (name, descriptions, image) as its next version.
 * Two minutes is ample for a row and one blob check.
 */
export const regionVersionJob: JobTypeDefinition = { type: 'region-version', timeoutMs: 2 * 60_000, handler: regionVersion };

async function regionVersion(context: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { regionId } = RegionVersionPayload.parse(context.payload);
  return snapshotWorldItem(context, services, 'region', regionId);
}
