import { describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import getPort from 'get-port';
import { azuriteConnectionString } from '@storyline/storage';
import { sweepStaleJobs } from '@storyline/jobs';
import { eventually } from '../../../../../../tools/testing/eventually';
import { createApi } from '../../http/create-api';
import { draftStory } from '../../testing/story-fixtures';
import { log, type TestClient, type TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;

useTestStack((started) => ({ stack, alice } = started));

describe('when storage is unreachable', () => {
  it('tells the user clearly and leaves no job waiting', async () => {
    const storyId = await draftStory(alice);
    const deadPort = await getPort();
    const cutOff = await createApi({
      databaseUrl: stack.database.url,
      storageConnectionString: azuriteConnectionString(deadPort, deadPort),
      log,
    });
    await new Promise<void>((resolve) => cutOff.server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(cutOff.server.address() as AddressInfo).port}/trpc/stories.publish`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: await sessionCookie() },
        body: JSON.stringify({ storyId }),
      });
      const body = (await response.json()) as { error: { message: string; data: { code: string } } };
      expect(response.status).toBe(503);
      expect(body.error.data.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.error.message).toMatch(/could not be queued because storage is unreachable/);
    } finally {
      await cutOff.close();
    }
    const rows = await stack.database.sql<{ status: string; error: string }[]>`
      select status, error from jobs where target_id = ${storyId}`;
    expect(rows).toEqual([{ status: 'Failed', error: expect.stringMatching(/storage is unreachable/) }]);
  });
});

describe('the sweeper', () => {
  it('re-queues a queued job whose message was lost, and a worker then completes it', async () => {
    const storyId = await draftStory(alice);
    const { jobId } = await alice.stories.publish.mutate({ storyId });
    const [lost] = await stack.api.queues.receive('story-publish', { max: 1, visibilityTimeoutSec: 30 });
    await stack.api.queues.delete('story-publish', lost);
    await stack.database.sql`update jobs set heartbeat_at = now() - interval '10 minutes' where id = ${jobId}`;

    const swept = await sweepStaleJobs(
      { db: stack.database.db, queues: stack.api.queues, log },
      { queuedStaleSec: 60, runningStaleSec: 60, maxRequeues: 3 },
    );
    expect(swept).toEqual({ requeued: [jobId], failed: [] });
    const worker = stack.startWorker();
    const job = await eventually(() => alice.jobs.get.query({ jobId }), (view) => view.status === 'Completed', 'the re-queued job to complete');
    await worker.stop();
    expect(job.result).toEqual({ version: 1 });
  });

  it('fails a job re-queued too often, with the reason', async () => {
    const storyId = await draftStory(alice);
    const { jobId } = await alice.stories.publish.mutate({ storyId });
    await stack.database.sql`update jobs set heartbeat_at = now() - interval '10 minutes', requeues = 3 where id = ${jobId}`;
    const swept = await sweepStaleJobs(
      { db: stack.database.db, queues: stack.api.queues, log },
      { queuedStaleSec: 60, runningStaleSec: 60, maxRequeues: 3 },
    );
    expect(swept.failed).toContain(jobId);
    expect(await alice.jobs.get.query({ jobId })).toMatchObject({ status: 'Failed', error: expect.stringMatching(/after 3 re-queues/) });
    // The message still queued for it is dropped by the next worker that sees it.
    const worker = stack.startWorker();
    await eventually(() => stack.api.queues.depth('story-publish'), (depth) => depth === 0, 'the queue to drain');
    await worker.stop();
    expect(await alice.jobs.get.query({ jobId })).toMatchObject({ status: 'Failed' });
  });

  it('leaves fresh jobs alone', async () => {
    const storyId = await draftStory(alice);
    await alice.stories.publish.mutate({ storyId });
    const swept = await sweepStaleJobs(
      { db: stack.database.db, queues: stack.api.queues, log },
      { queuedStaleSec: 60, runningStaleSec: 60, maxRequeues: 3 },
    );
    expect(swept).toEqual({ requeued: [], failed: [] });
  });
});

async function sessionCookie(): Promise<string> {
  const response = await fetch(`${stack.baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-pw' }),
  });
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}
