import type { JobDefinition } from '@storyline/jobs';
import { storyPublishJob } from './story-publish';

export { storyPublish, storyPublishJob } from './story-publish';

/** Every job type this build knows how to run. */
export const jobDefinitions: JobDefinition[] = [storyPublishJob];
