import { buffer } from 'node:stream/consumers';
import { StoryDocumentExportPayload, type StoryDocumentExportResult } from '@storyline/contracts';
import type { JobContext, JobDefinition } from '@storyline/jobs';
import { renderStoryDocument } from '@storyline/story-document';
import type { FileJobServices } from './file-job-services';
import { readStorySource } from './read-story-source';
import { fileNameFor, recordArtifact, storeArtifact } from './store-artifact';

/**
 * Renders one language of a story (draft or published version) to a PDF with an
 * embedded font, streamed into blob storage as its pages render; images are read one
 * at a time as their page comes up.
 */
export function createStoryDocumentExport(services: FileJobServices) {
  return async function storyDocumentExport({ payload, db, report, job, signal }: JobContext) {
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
          return { contentType: row.contentType, read: async () => buffer(await services.blobs.read('media', row.blobName, signal)) };
        }),
      })),
      onPage: (rendered, total) => report.progress(10 + Math.round((85 * rendered) / total), `Rendered page ${rendered} of ${total}`),
      onWarning: (message) => report.warn(message),
    });
    const fileName = fileNameFor(source.title, `${version === null ? 'draft' : `v${version}`}-${language}`, 'pdf');
    const stored = await storeArtifact(services, job, { fileName, contentType: 'application/pdf', content, signal });

    await report.phase('finalise', 97);
    return report.complete(async (tx): Promise<StoryDocumentExportResult> => {
      const artifact = await recordArtifact(tx, services, job, stored);
      return { ...artifact, version, pageCount: source.pages.length, language };
    });
  };
}

export const storyDocumentExportJob = (services: FileJobServices): JobDefinition => ({
  type: 'story-document-export',
  handler: createStoryDocumentExport(services),
  timeoutMs: 15 * 60_000,
});
