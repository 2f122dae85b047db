import { buffer } from 'node:stream/consumers';
import { StoryDocumentExportPayload, type StoryDocumentExportResult } from '@storyline/contracts';
import type { JobCompletion, JobContext } from '@storyline/jobs';
import { renderStoryDocument } from '@storyline/story-document';
import type { FileJobServices } from './file-job-services';
import type { JobTypeDefinition } from './job-type-definition';
import { readStorySource } from './steps/read-story-source';
import { completeWithArtifact, fileNameFor, storeArtifact } from './steps/store-artifact';

/**
 * `story-document-export`: renders one language of a story (draft or published version)
 * to a PDF with an embedded font, streamed into blob storage as its pages render; images
 * are read one at a time as their page comes up.
 */
export const storyDocumentExportJob: JobTypeDefinition = { type: 'story-document-export', timeoutMs: 15 * 60_000, handler: storyDocumentExport };

async function storyDocumentExport({ payload, db, report, job, signal }: JobContext, services: FileJobServices): Promise<JobCompletion> {
  const { storyId, version, language } = StoryDocumentExportPayload.parse(payload);
  await report.phase('collect', 5);
  const source = await readStorySource(db, storyId, version);
  const byId = new Map(source.media.map((row) => [row.id, row]));

  await report.phase('render', 10);
  const content = renderStoryDocument({
    title: source.title,
    language,
    signal,
    pages: source.pages.map((page) => ({
      text: page[language],
      images: page.media.map((id) => {
        const row = byId.get(id)!;
        return {
          contentType: row.contentType,
          read: async () => {
            try {
              return await buffer(await services.blobs.read('media', row.blobName, signal));
            } catch (error) {
              // The warning the user sees names the image; storage's own words stay in the log.
              services.log.warn({ err: error, jobId: job.id, mediaId: id }, 'an image could not be read for a PDF');
              throw new Error('the image could not be read from storage');
            }
          },
        };
      }),
    })),
    onPage: (rendered, total) => report.progress(10 + Math.round((85 * rendered) / total), `Rendered page ${rendered} of ${total}`),
    onWarning: (message) =>
      void report.warn(message).catch((error: unknown) => services.log.warn({ err: error, jobId: job.id }, 'a PDF warning could not be recorded')),
  });
  const fileName = fileNameFor(source.title, `${version === null ? 'draft' : `v${version}`}-${language}`, 'pdf');
  const stored = await storeArtifact(services, job, { fileName, contentType: 'application/pdf', content, signal });

  return completeWithArtifact(services, report, job, stored, (artifact): StoryDocumentExportResult => ({
    ...artifact,
    version,
    pageCount: source.pages.length,
    language,
  }));
}
