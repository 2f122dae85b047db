import { HeroVersionPayload } from '@storyline/contracts';
import type { JobCompletion, JobContext } from '@storyline/jobs';
import type { FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';
import { snapshotWorldItem } from './steps/snapshot-world-item';

/**
 * `hero-version`: snapshots a hero (name, descriptions, image) as its next version.
 * Two minutes is ample for a row and one blob check.
 */
export const heroVersionJob: JobTypeDefinition = { type: 'hero-version', timeoutMs: 2 * 60_000, handler: heroVersion };

async function heroVersion(context: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { heroId } = HeroVersionPayload.parse(context.payload);
  return snapshotWorldItem(context, services, 'hero', heroId);
}
