import * as z from 'zod';

/**
 * The message every job queue carries. It names the job only: the job row is the
 * truth, so a message that outlives a schema change still points at current data.
 */
export const JobMessage = z.object({ jobId: z.uuid(), type: z.string() });
export type JobMessage = z.infer<typeof JobMessage>;

export const StoryPublishPayload = z.object({ storyId: z.uuid() });
export type StoryPublishPayload = z.infer<typeof StoryPublishPayload>;

export const StoryPublishResult = z.object({ version: z.number().int().positive() });
export type StoryPublishResult = z.infer<typeof StoryPublishResult>;

const StoryRef = z.uuid();
const VersionRef = z.number().int().positive().nullable();

/** `discardChanges` is the user's confirmation, checked again when the job runs. */
export const StoryVersionPayload = z.object({ storyId: StoryRef, version: z.number().int().positive(), discardChanges: z.boolean() });
export type StoryVersionPayload = z.infer<typeof StoryVersionPayload>;
/**
 * `version` is the published version opened; `draftVersion` the draft's base version
 * from then on (the same number: the SPEC's "draft version"). `discarded` tells whether
 * unpublished changes were thrown away to do it.
 */
export const StoryVersionResult = z.object({
  version: z.number().int().positive(),
  draftVersion: z.number().int().positive(),
  pageCount: z.number().int().nonnegative(),
  discarded: z.boolean(),
});
export type StoryVersionResult = z.infer<typeof StoryVersionResult>;

/** A file a job left in blob storage, fetched through `files.downloadLink`. */
export const JobArtifact = z.object({
  artifactId: z.uuid(),
  fileName: z.string(),
  byteSize: z.number().int().nonnegative(),
  contentType: z.string(),
  /** When retention deletes the file. */
  expiresAt: z.string(),
});
export type JobArtifact = z.infer<typeof JobArtifact>;

export const StoryExportPayload = z.object({ storyId: StoryRef, version: VersionRef });
export type StoryExportPayload = z.infer<typeof StoryExportPayload>;
export const StoryExportResult = JobArtifact.extend({
  /** The published version exported; null for the draft. */
  version: z.number().int().positive().nullable(),
  mediaCount: z.number().int().nonnegative(),
  languageCount: z.number().int().positive(),
  pageCount: z.number().int().positive(),
});
export type StoryExportResult = z.infer<typeof StoryExportResult>;

/** `storyId` is chosen when the job starts, so a redelivered message can never make a second story. */
export const StoryImportPayload = z.object({ uploadId: z.uuid(), storyId: StoryRef, fileName: z.string() });
export type StoryImportPayload = z.infer<typeof StoryImportPayload>;
export const StoryImportResult = z.object({
  storyId: StoryRef,
  title: z.string(),
  pageCount: z.number().int(),
  mediaCount: z.number().int(),
});
export type StoryImportResult = z.infer<typeof StoryImportResult>;

export const StoryForkPayload = z.object({ sourceStoryId: StoryRef, storyId: StoryRef });
export type StoryForkPayload = z.infer<typeof StoryForkPayload>;
export const StoryForkResult = z.object({ storyId: StoryRef, assetsJobId: z.uuid().nullable(), mediaCount: z.number().int() });
export type StoryForkResult = z.infer<typeof StoryForkResult>;

export const StoryForkAssetsPayload = z.object({ sourceStoryId: StoryRef, storyId: StoryRef });
export type StoryForkAssetsPayload = z.infer<typeof StoryForkAssetsPayload>;
export const StoryForkAssetsResult = z.object({ storyId: StoryRef, assetsCopied: z.number().int() });
export type StoryForkAssetsResult = z.infer<typeof StoryForkAssetsResult>;

export const StoryDocumentExportPayload = z.object({ storyId: StoryRef, version: VersionRef, language: z.enum(['en', 'ro']) });
export type StoryDocumentExportPayload = z.infer<typeof StoryDocumentExportPayload>;
export const StoryDocumentExportResult = JobArtifact.extend({
  version: z.number().int().positive().nullable(),
  pageCount: z.number().int().positive(),
  language: z.enum(['en', 'ro']),
});
export type StoryDocumentExportResult = z.infer<typeof StoryDocumentExportResult>;

/** A fresh, short-lived link to a job's file; ask again once it has expired. */
export const DownloadLink = z.object({ url: z.string(), fileName: z.string(), expiresAt: z.string() });
export type DownloadLink = z.infer<typeof DownloadLink>;
