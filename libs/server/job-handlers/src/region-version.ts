import type { JobDefinition } from '@storyline/jobs';
import type { FileJobServices } from './file-job-services';
import { worldVersionJob } from './world-version';

/** `region-version`: snapshots a region (name, descriptions, image) as its next version. */
export const regionVersionJob = (services: FileJobServices): JobDefinition => worldVersionJob('region', services);
