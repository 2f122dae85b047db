import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@storyline/api-router';
import { eventually } from '../../../../../../tools/testing/eventually';
import { draftStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;

useTestStack((started) => ({ stack, alice } = started));

function waitForStatus(jobId: string, statuses: string[]) {
  return eventually(() => alice.jobs.get.query({ jobId }), (job) => statuses.includes(job.status), `job ${jobId} to be ${statuses.join(' or ')}`, { timeoutMs: 20_000 });
}

describe('story publishing', () => {
  it('answers Queued at once, and the client sees the job complete and the story published', async () => {
    const storyId = await draftStory(alice);
    const started = await alice.stories.publish.mutate({ storyId });
    expect(started).toEqual({ jobId: expect.any(String), status: 'Queued' });

    const worker = stack.startWorker();
    const job = await waitForStatus(started.jobId, ['Completed', 'Failed']);
    await worker.stop();
    expect(job).toMatchObject({ status: 'Completed', progress: 100, result: { version: 1 } });
    expect((await alice.stories.get.query({ storyId })).publishedVersion).toBe(1);
  });

  it('marks the older queued publish job superseded when asked again, naming the job that replaced it', async () => {
    const storyId = await draftStory(alice);
    const older = await alice.stories.publish.mutate({ storyId });
    const newer = await alice.stories.publish.mutate({ storyId });
    expect(await alice.jobs.get.query({ jobId: older.jobId })).toMatchObject({
      status: 'Superseded',
      message: `Replaced by a newer request (job ${newer.jobId.slice(0, 8)})`,
    });
  });

  it('refuses to publish a draft without English text, saying which page', async () => {
    const storyId = await draftStory(alice, [{ en: 'ok', ro: 'ok' }, { en: '  ', ro: 'doar română' }]);
    await expect(alice.stories.publish.mutate({ storyId })).rejects.toThrow(/page 2 has no English text/);
  });
});

describe('bad input', () => {
  it('answers a malformed id with a readable validation error', async () => {
    const error = await alice.jobs.get.query({ jobId: 'not-a-uuid' }).catch((e: unknown) => e as TRPCClientError<AppRouter>);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('BAD_REQUEST');
    expect((error as TRPCClientError<AppRouter>).message).toBe('jobId: jobId must be a UUID');
  });

  it('lists every problem of a draft at once', async () => {
    const broken = { storyId: 'x', title: '', pages: [{ en: 5 }] } as unknown as Parameters<typeof alice.stories.saveDraft.mutate>[0];
    const error = (await alice.stories.saveDraft.mutate(broken).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('storyId: storyId must be a UUID');
    expect(error.message).toContain('title: the title is required');
    expect(error.message).toMatch(/pages\.0\.en: /);
    expect(error.message).toMatch(/pages\.0\.ro: /);
  });

  it('rejects a missing job with NOT_FOUND and a logged-out caller with UNAUTHORIZED', async () => {
    await expect(alice.jobs.get.query({ jobId: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/does not exist/);
    for (const path of ['stories.list', 'auth.me', 'flags.list']) {
      expect((await fetch(`${stack.baseUrl}/trpc/${path}`)).status, path).toBe(401);
    }
  });

  it('rejects a wrong password without a session cookie', async () => {
    const response = await fetch(`${stack.baseUrl}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'nope' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
