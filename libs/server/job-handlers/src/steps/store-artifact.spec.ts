import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobType } from '@storyline/contracts';
import { createJobDefinitions } from '../index';
import { crashingAt } from '../testing/crashing-at';
import { startHandlerStack, type HandlerStack } from '../testing/start-handler-stack';
import { insertStory, testPng } from '../testing/story-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
});
afterEach(() => stack.stopWorkers());
afterAll(() => stack?.close());

const artifactsOf = (jobId: string) => stack.database.sql<{ blobName: string }[]>`select blob_name as "blobName" from artifacts where job_id = ${jobId}`;

describe('an export that died before completing, then ran again', () => {
  it.each([
    { type: 'story-export' as JobType, payload: (storyId: string) => ({ storyId, version: null }), extension: 'zip' },
    { type: 'story-document-export' as JobType, payload: (storyId: string) => ({ storyId, version: null, language: 'ro' }), extension: 'pdf' },
  ])('leaves one file for $type: the rerun overwrites what the dead attempt stored, even after a rename that once left a second file', async ({ type, payload, extension }) => {
    const images = [testPng(21), testPng(22), testPng(23)];
    const { storyId } = await insertStory(stack, 'Exported after a crash', images.map((png, index) => ({ en: `Page ${index + 1}`, ro: `Pagina ${index + 1}`, images: [png] })));
    const crashing = crashingAt(createJobDefinitions(stack.services), type, 'complete');
    stack.startWorker(crashing.definitions);
    const jobId = await stack.startJob(type, storyId, payload(storyId));
    await crashing.reached;
    await stack.stopWorkers();
    const stored = `${jobId}/file.${extension}`;
    expect(await stack.blobsUnder('exports', `${jobId}/`)).toEqual([stored]);
    expect(await artifactsOf(jobId)).toEqual([]);
    // The file name follows the title; the stored blob must not.
    await stack.database.sql`update stories set title = 'Renamed between attempts' where id = ${storyId}`;

    stack.startWorker();
    const job = await stack.jobEnded(jobId);

    expect(job).toMatchObject({ status: 'Completed', dequeueCount: 2, result: { fileName: expect.stringMatching(new RegExp(`^renamed-between-attempts-.*\\.${extension}$`)) } });
    expect(await stack.blobsUnder('exports', `${jobId}/`)).toEqual([stored]);
    expect(await artifactsOf(jobId)).toEqual([{ blobName: stored }]);
    expect((await stack.readBlob('exports', stored)).length).toBe(job.result!['byteSize']);
  });
});
