import type { JobDefinition } from '@storyline/jobs';
import { epicPublishJob } from './epic-publish';
import { epicVersionJob } from './epic-version';
import type { FileJobServices } from './file-job-services';
import { heroVersionJob } from './hero-version';
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
export { sweepExpiredFiles, sweepScratchDir } from './sweep-expired-files';

/** Every job type this build knows how to run, wired to the worker's services. */
export function createJobDefinitions(services: FileJobServices): JobDefinition[] {
  return [
    storyPublishJob(services),
    storyVersionJob(),
    storyExportJob(services),
    storyImportJob(services),
    storyForkJob(services),
    storyForkAssetsJob(services),
    storyDocumentExportJob(services),
    regionVersionJob(services),
    heroVersionJob(services),
    epicPublishJob(),
    epicVersionJob(),
  ];
}
