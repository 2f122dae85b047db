import type { JobDefinition } from '@storyline/jobs';
import type { FileJobServices } from './file-job-services';
import { worldVersionJob } from './world-version';

/** `hero-version`: snapshots a hero (name, descriptions, image) as its next version. */
export const heroVersionJob = (services: FileJobServices): JobDefinition => worldVersionJob('hero', services);
