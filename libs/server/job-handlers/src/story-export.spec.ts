import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStoryArchive } from '@storyline/story-archive';
import { startHandlerStack, type HandlerStack } from './testing/start-handler-stack';
import { insertPublishedVersion, insertStory, saveDraft, testPng } from './testing/story-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
  stack.startWorker();
});
afterAll(() => stack?.close());

const exportStory = (storyId: string, version: number | null = null) => stack.startJob('story-export', storyId, { storyId, version });

/** The ZIP a job stored, read back the way an import reads it: story.json, and each image's bytes by archive id. */
async function readExport(jobId: string) {
  const path = join(stack.services.scratchDir, `read-${jobId}.zip`);
  await writeFile(path, await stack.readBlob('exports', `${jobId}/file.zip`));
  const media = new Map<string, Buffer>();
  const archive = await readStoryArchive(path, { onMedia: async (entry, content) => void media.set(entry.id, await buffer(content)) });
  return { archive, media };
}

describe('story-export', () => {
  it('streams a ZIP of every language and every image into the exports container, recorded as the job’s one artifact', async () => {
    const pages = [1, 2, 3].map((number) => ({ en: `Page ${number}: the fox crossed the river.`, ro: `Pagina ${number}: vulpea a trecut râul, ținând în gură o știucă.`, images: number < 3 ? [testPng(number + 10)] : [] }));
    const { storyId, images } = await insertStory(stack, 'Vulpea și știuca', pages);

    const job = await stack.jobEnded(await exportStory(storyId));

    expect(job).toMatchObject({
      status: 'Completed',
      result: { fileName: 'vulpea-si-stiuca-draft.zip', mediaCount: 2, languageCount: 2, pageCount: 3, contentType: 'application/zip', version: null },
    });
    const [artifact] = await stack.database.sql<{ blobName: string; byteSize: number; retainedDays: number }[]>`
      select blob_name as "blobName", byte_size::int as "byteSize", round(extract(epoch from expires_at - now()) / 86400)::int as "retainedDays"
      from artifacts where job_id = ${job.id}`;
    expect(artifact).toEqual({ blobName: `${job.id}/file.zip`, byteSize: job.result?.['byteSize'], retainedDays: 7 });
    expect(await stack.blobsUnder('exports', `${job.id}/`)).toEqual([`${job.id}/file.zip`]);
    const { archive, media } = await readExport(job.id);
    expect(archive).toMatchObject({ schemaVersion: 1, title: 'Vulpea și știuca', languages: ['en', 'ro'], source: { storyId, version: null } });
    expect(archive.pages.map(({ en, ro }) => ({ en, ro }))).toEqual(pages.map(({ en, ro }) => ({ en, ro })));
    expect([...media.values()].map((bytes) => bytes.toString('base64')).sort()).toEqual([...images.values()].map((bytes) => bytes.toString('base64')).sort());
  });

  it('exports a published version as it was published, not the draft edited since, and fails clearly for a version that does not exist', async () => {
    const { storyId } = await insertStory(stack, 'Versioned', [{ en: 'Published words', ro: 'Cuvinte publicate' }]);
    await insertPublishedVersion(stack, storyId, 1);
    await saveDraft(stack, storyId, 'Versioned', [{ en: 'Later draft', ro: 'Ciornă', media: [] }]);

    const job = await stack.jobEnded(await exportStory(storyId, 1));
    expect(job.result).toMatchObject({ fileName: 'versioned-v1.zip', version: 1 });
    expect((await readExport(job.id)).archive.pages.map((page) => page.en)).toEqual(['Published words']);

    expect(await stack.jobEnded(await exportStory(storyId, 9))).toMatchObject({ status: 'Failed', error: 'Version 9 of this story does not exist.', dequeueCount: 1 });
  });

  it('fails at once, naming the image, when an image is missing from storage, and records no artifact', async () => {
    const { storyId, images } = await insertStory(stack, 'Lost image', [{ en: 'One', ro: 'Unu', images: [testPng(12)] }]);
    await stack.services.blobs.delete('media', `${storyId}/${[...images.keys()][0]}`);

    const job = await stack.jobEnded(await exportStory(storyId));

    expect(job).toMatchObject({ status: 'Failed', dequeueCount: 1, error: 'The image page-1-1.png is missing from storage; remove it from its page and export again.' });
    expect(await stack.database.sql`select id from artifacts where job_id = ${job.id}`).toEqual([]);
  });

  it('keeps one artifact and one file when its message is delivered again', async () => {
    const { storyId } = await insertStory(stack, 'Exported once', [{ en: 'One', ro: 'Unu', images: [testPng(13)] }]);
    const job = await stack.jobEnded(await exportStory(storyId));

    const { before, after } = await stack.redeliver(job, async () => ({
      artifacts: await stack.database.sql`select id, blob_name, byte_size, created_at from artifacts where job_id = ${job.id}`,
      blobs: await stack.blobsUnder('exports', `${job.id}/`),
    }));

    expect(before.effects.blobs).toHaveLength(1);
    expect(after).toEqual(before);
  });
});
