import { describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import type { UserStreamMessage, OpsSample } from '@storyline/contracts';
import type { JobDefinition } from '@storyline/jobs';
import { eventually } from '../../../../../../tools/testing/eventually';
import { jobEnded } from '../../testing/job-ended';
import { publishNewStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';
import type { AppRouter } from '@storyline/api-router';

let stack: TestStack;
let alice: TestClient;
let admin: TestClient;

useTestStack((started) => ({ stack, alice, admin } = started), { opsSampleMs: 100 });

type Message = { id: string; data: UserStreamMessage };

/** Opens `onMyJobs` and resolves once it is live (its first message arrived). */
async function openUserStream(client: TestClient) {
  const messages: Message[] = [];
  const subscription = client.jobs.onMyJobs.subscribe({}, { onData: (message) => messages.push(message as Message) });
  await eventually(async () => messages.length, (count) => count > 0, 'the user stream to open');
  return { messages, close: () => subscription.unsubscribe() };
}

const samplesOf = (messages: Message[]): OpsSample[] => messages.flatMap((m) => (m.data.kind === 'ops' ? [m.data.sample] : []));

const codeOf = (error: unknown) => (error instanceof TRPCClientError ? (error as TRPCClientError<AppRouter>).data?.code : error);

describe('ops samples', () => {
  it('reach an admin’s stream with this process’s open streams and queues, and never a user’s', async () => {
    const adminStream = await openUserStream(admin);
    const aliceStream = await openUserStream(alice);
    try {
      const sample = await eventually(
        async () => samplesOf(adminStream.messages).at(-1),
        (latest) => latest?.streams.feed === 2,
        'a sample counting both streams',
      );
      expect(sample).toMatchObject({ process: expect.stringMatching(/:\d+$/), streams: { feed: 2, job: 0 } });
      expect(sample?.queues?.map((queue) => queue.type)).toContain('story-publish');
      expect(sample?.queues?.find((queue) => queue.type === 'story-publish')).toEqual({ type: 'story-publish', depth: 0, poisoned: 0 });
      const before = samplesOf(adminStream.messages).length;
      await eventually(async () => samplesOf(adminStream.messages).length, (count) => count >= before + 3, 'more samples');
      expect(samplesOf(aliceStream.messages)).toEqual([]);
    } finally {
      adminStream.close();
      aliceStream.close();
    }
  });

  it('count the events sent and their latency', async () => {
    const adminStream = await openUserStream(admin);
    const worker = stack.startWorker();
    try {
      const { jobId } = await publishNewStory(alice);
      await jobEnded(alice, jobId);
      const busy = await eventually(
        async () => samplesOf(adminStream.messages).find((sample) => sample.eventsPerSec > 0),
        (found) => found !== undefined,
        'a sample with events sent',
      );
      expect(busy?.latencyMs.p50).toBeGreaterThanOrEqual(0);
      expect(busy?.latencyMs.p99).toBeGreaterThanOrEqual(busy?.latencyMs.p50 ?? 0);
    } finally {
      await worker.stop();
      adminStream.close();
    }
  });
});

describe('ops.poisoned and ops.requeue', () => {
  it('list a poisoned message with its failed job, and re-queue it so a worker completes the job', async () => {
    const { jobId } = await publishNewStory(alice);
    const failing: JobDefinition = {
      type: 'story-publish',
      timeoutMs: 10_000,
      handler: async () => {
        throw new Error('renderer crashed');
      },
    };
    const broken = stack.startWorker([failing], { maxDeliveries: 1 });
    expect(await jobEnded(alice, jobId)).toMatchObject({ status: 'Failed' });
    await broken.stop();

    const poisoned = await eventually(() => admin.ops.poisoned.query({ type: 'story-publish' }), (list) => list.length > 0, 'the poisoned message');
    const message = poisoned.find((item) => item.jobId === jobId);
    expect(message).toMatchObject({ jobId, jobStatus: 'Failed', messageId: expect.any(String) });

    await admin.ops.requeue.mutate({ type: 'story-publish', messageId: message!.messageId });
    expect(await alice.jobs.get.query({ jobId })).toMatchObject({ status: 'Queued', message: 'Re-queued from the poison queue by an admin' });
    expect(await admin.ops.poisoned.query({ type: 'story-publish' })).toEqual([]);

    const worker = stack.startWorker();
    try {
      expect(await jobEnded(alice, jobId)).toMatchObject({ status: 'Completed' });
    } finally {
      await worker.stop();
    }
  });

  it('answers a message that is no longer there with NOT_FOUND', async () => {
    const error = await admin.ops.requeue.mutate({ type: 'story-publish', messageId: 'gone' }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('NOT_FOUND');
  });

  it('are for admins only', async () => {
    expect(codeOf(await alice.ops.poisoned.query({ type: 'story-publish' }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await alice.ops.requeue.mutate({ type: 'story-publish', messageId: 'x' }).catch((e: unknown) => e))).toBe('FORBIDDEN');
    expect(codeOf(await alice.ops.users.query().catch((e: unknown) => e))).toBe('FORBIDDEN');
  });

  it('ops.users names every user for the page', async () => {
    expect((await admin.ops.users.query()).map((user) => user.username)).toEqual(['admin', 'alice', 'bob']);
  });
});
