import { describe, expect, it } from 'vitest';
import { downloadArtifact } from '../../testing/download-artifact';
import { jobEnded } from '../../testing/job-ended';
import { draftStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;

useTestStack(async (started) => {
  ({ stack, alice } = started);
  stack.startWorker();
});

// What the PDF holds is the handler's to show (libs/server/job-handlers/src/story-document-export.spec.ts); here, what the client gets.
describe('story-document-export', () => {
  it('hands the PDF of a published version out as a download, and refuses a version that was never published', async () => {
    const storyId = await draftStory(alice, [{ en: 'Published words', ro: 'Cuvinte publicate' }], 'Ștefan și țânțarul');
    const published = await alice.stories.publish.mutate({ storyId });
    expect((await jobEnded(alice, published.jobId)).status).toBe('Completed');

    const { jobId } = await alice.stories.exportDocument.mutate({ storyId, language: 'ro', version: 1 });
    const job = await jobEnded(alice, jobId);
    expect(job).toMatchObject({ status: 'Completed', result: { fileName: 'stefan-si-tantarul-v1-ro.pdf', contentType: 'application/pdf' } });
    const { response, bytes } = await downloadArtifact(stack, alice, jobId);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toContain('stefan-si-tantarul-v1-ro.pdf');
    expect(bytes.length).toBe(job.result?.['byteSize']);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    await expect(alice.stories.exportDocument.mutate({ storyId, language: 'ro', version: 2 })).rejects.toThrow(/Version 2 of this story does not exist/);
  });
});
