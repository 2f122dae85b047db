import type { JobDefinition } from '@storyline/jobs';
import { epicPublishJob } from './epic-publish';
import { epicVersionJob } from './epic-version';
import type { FileJobServices } from './file-job-services';
import { heroVersionJob } from './hero-version';
import type { JobTypeDefinition } from './job-type-definition';
import { regionVersionJob } from './region-version';
import { storyDocumentExportJob } from './story-document-export';
import { storyExportJob } from './story-export';
import { storyForkJob } from './story-fork';
import { storyForkAssetsJob } from './story-fork-assets';
import { storyImportJob } from './story-import';
import { storyPublishJob } from './story-publish';
import { storyVersionJob } from './story-version';

export type { FileJobServices } from './file-job-services';
export { mediaBlobName } from './file-job-services';
export { publishedPageBlobName } from './story-publish';
export { toStoryArchive } from './story-export';
export { purgeDeleted, type PurgeCounts } from './sweeps/purge-deleted';
export { sweepExpiredFiles } from './sweeps/sweep-expired-files';
export { sweepScratchDir } from './sweeps/sweep-scratch-dir';

/** Every job type this build knows how to run, one file each. */
const JOB_TYPES: readonly JobTypeDefinition[] = [
  storyPublishJob,
  storyVersionJob,
  storyExportJob,
  storyImportJob,
  storyForkJob,
  storyForkAssetsJob,
  storyDocumentExportJob,
  regionVersionJob,
  heroVersionJob,
  epicPublishJob,
  epicVersionJob,
];

/** Every job type this build knows how to run, its handler handed the worker's services. */
export function createJobDefinitions(services: FileJobServices): JobDefinition[] {
  return JOB_TYPES.map(({ handler, ...definition }) => ({ ...definition, handler: (context) => handler(context, services) }));
}
