import type { JobDefinition } from '@storyline/jobs';
import { epicSnapshotJob } from './epic-snapshot';

/** `epic-publish`: once every story in the epic is published, snapshots it as a published version pinning each member's version. */
export const epicPublishJob = (): JobDefinition => epicSnapshotJob('published');
