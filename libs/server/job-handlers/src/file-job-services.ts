import type { Logger } from 'pino';
import type { Db } from '@storyline/db';
import type { BlobStore, JobQueues } from '@storyline/storage';
import type { ArchiveLimits } from '@storyline/story-archive';

/** What the job handlers reach besides their job's context; built once per worker. */
export interface FileJobServices {
  db: Db;
  blobs: BlobStore;
  queues: JobQueues;
  log: Logger;
  /** How long an export ZIP or PDF is kept before retention deletes it. */
  exportRetentionMs: number;
  /** Bounds an imported archive must keep (see `@storyline/story-archive`). */
  archiveLimits?: Partial<ArchiveLimits>;
  /** Where an import puts the uploaded ZIP while it reads it (yauzl needs a file). */
  scratchDir: string;
}

/** The blob name of a story's image: one folder per story, one blob per media id. */
export function mediaBlobName(storyId: string, mediaId: string): string {
  return `${storyId}/${mediaId}`;
}
