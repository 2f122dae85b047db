import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobReporter, JobNotRunningError } from '@storyline/jobs';
import { draftStory } from '../../testing/story-fixtures';
import { startTestStack, type TestStack } from '../../testing/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.close());

async function runningJob(attempt: number): Promise<string> {
  const alice = await stack.login('alice');
  const storyId = await draftStory(alice, 1);
  const [job] = await stack.database.sql<{ id: string }[]>`
    insert into jobs (type, target_id, owner_id, payload, status, dequeue_count, started_at)
    select 'story-export', id, owner_id, ${JSON.stringify({ storyId: '00000000-0000-4000-8000-000000000000', version: null })}::jsonb, 'Running', ${attempt}, now()
    from stories where id = ${storyId} returning id`;
  return job.id;
}

describe('an attempt that outlived its timeout', () => {
  it('can no longer report on, or complete, the job its successor now runs; a takeover once let both write', async () => {
    const jobId = await runningJob(2);
    const stale = createJobReporter(stack.database.db, jobId, 1);
    await expect(stale.progress(50, 'still going', { every: true })).rejects.toBeInstanceOf(JobNotRunningError);
    await expect(stale.complete(async () => ({ late: true }))).rejects.toBeInstanceOf(JobNotRunningError);

    const current = createJobReporter(stack.database.db, jobId, 2);
    await current.progress(60, 'the successor', { every: true });
    await current.complete(async () => ({ done: true }));
    const [row] = await stack.database.sql<{ status: string; result: unknown; progress: number }[]>`select status, result, progress from jobs where id = ${jobId}`;
    expect(row).toEqual({ status: 'Completed', result: { done: true }, progress: 100 });
  });
});
