import {
  MEDIA_EXTENSIONS,
  STORY_ARCHIVE_SCHEMA_VERSION,
  STORY_LANGUAGES,
  StoryExportPayload,
  type StoryArchive,
  type StoryExportResult,
} from '@storyline/contracts';
import { JobInputError, type JobCompletion, type JobContext } from '@storyline/jobs';
import { BlobMissingError } from '@storyline/storage';
import { ArchiveError, writeStoryArchive } from '@storyline/story-archive';
import type { FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';
import { readStorySource, type StorySource } from './steps/read-story-source';
import { completeWithArtifact, fileNameFor, storeArtifact } from './steps/store-artifact';

/** `story.json` for a story: every language's text, and the media files beside it by archive path. */
export function toStoryArchive(source: StorySource): StoryArchive {
  return {
    schemaVersion: STORY_ARCHIVE_SCHEMA_VERSION,
    title: source.title,
    languages: [...STORY_LANGUAGES],
    pages: source.pages.map((page) => ({ en: page.en, ro: page.ro, media: page.media })),
    media: source.media.map((row) => ({
      id: row.id,
      file: `media/${row.id}.${MEDIA_EXTENSIONS[row.contentType]}`,
      contentType: row.contentType,
      byteSize: row.byteSize,
      fileName: row.fileName,
    })),
    exportedAt: new Date().toISOString(),
    source: { storyId: source.storyId, version: source.version },
  };
}

/**
 * `story-export`: builds the story's ZIP (story.json + media) and streams it into blob
 * storage, one image at a time, so memory stays flat whatever the story's size.
 */
export const storyExportJob: JobTypeDefinition = { type: 'story-export', timeoutMs: 15 * 60_000, handler: storyExport };

async function storyExport({ payload, db, report, job, signal }: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { storyId, version } = StoryExportPayload.parse(payload);
  await report.phase('collect', 5);
  const source = await readStorySource(db, storyId, version);
  const archive = toStoryArchive(source);
  const byId = new Map(source.media.map((row) => [row.id, row]));

  await report.phase('archive', 10);
  const content = writeStoryArchive({
    archive,
    signal,
    openMedia: (entry) => services.blobs.read('media', byId.get(entry.id)!.blobName, signal),
    onMediaWritten: (written, total) =>
      report.progress(10 + Math.round((85 * written) / total), `Added ${written} of ${total} images`),
  });
  const fileName = fileNameFor(source.title, version === null ? 'draft' : `v${version}`, 'zip');
  const stored = await storeArtifact(services, job, { fileName, contentType: 'application/zip', content, signal }).catch((error: unknown) => {
    if (error instanceof BlobMissingError) {
      const missing = source.media.find((row) => row.blobName === error.blobName);
      throw new JobInputError(`The image ${missing?.fileName ?? ''} is missing from storage; remove it from its page and export again.`, { remedy: { action: 'fix-target', page: null } });
    }
    if (error instanceof ArchiveError) throw new JobInputError(error.message, { remedy: { action: 'fix-target', page: null } });
    throw error;
  });

  return completeWithArtifact(services, report, job, stored, (artifact): StoryExportResult => ({
    ...artifact,
    version,
    mediaCount: source.media.length,
    languageCount: archive.languages.length,
    pageCount: source.pages.length,
  }));
}
