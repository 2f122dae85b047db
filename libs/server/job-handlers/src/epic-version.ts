import type { JobDefinition } from '@storyline/jobs';
import { epicSnapshotJob } from './epic-snapshot';

/** `epic-version`: snapshots the epic as it stands, each member pinned at its current version (null before its first). */
export const epicVersionJob = (): JobDefinition => epicSnapshotJob('snapshot');
