import { describe, expect, it } from 'vitest';
import { appendEvents } from '../../testing/append-events';
import { eventsOf, openUserStream } from '../../testing/open-stream';
import { publishNewStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;

useTestStack((started) => ({ stack, alice, bob, admin } = started));

describe('jobs.onMyJobs', () => {
  it('starts with the open jobs and the flags, then carries every event of the user’s jobs and none of others', async () => {
    const waiting = await publishNewStory(alice, 2);
    const userStream = openUserStream(alice);
    const bobStream = openUserStream(bob);
    await userStream.until((m) => m.length > 0);
    const snapshot = userStream.messages[0].data;
    expect(snapshot.kind).toBe('snapshot');
    if (snapshot.kind !== 'snapshot') return;
    expect(snapshot.jobs.map((job) => job.id)).toContain(waiting.jobId);
    expect(snapshot.flags.find((flag) => flag.jobType === 'story-publish')).toEqual({ jobType: 'story-publish', transport: 'push' });

    const started = await publishNewStory(alice, 3);
    const worker = stack.startWorker();
    await userStream.until(() => eventsOf(userStream, started.jobId).some((event) => event.kind === 'completed'));
    await userStream.until(() => eventsOf(userStream, waiting.jobId).some((event) => event.kind === 'completed'));
    await worker.stop();
    userStream.close();
    bobStream.close();

    const stored = await stack.database.sql<{ seq: number }[]>`select seq from job_events where job_id = ${started.jobId} order by seq`;
    expect(eventsOf(userStream, started.jobId).map((event) => event.seq)).toEqual(stored.map((row) => row.seq));
    // The waiting job's events already in the snapshot are not sent again.
    expect(eventsOf(userStream, waiting.jobId)[0].seq).toBe(2);
    // Each event says whose job it is and what it works on: a tab showing the story picks up a publish started elsewhere.
    const first = userStream.messages.find((m) => m.data.kind === 'event' && m.data.event.jobId === started.jobId)?.data;
    expect(first).toMatchObject({ kind: 'event', jobType: 'story-publish', targetId: started.storyId, ownerId: (await alice.auth.me.query())?.id });
    expect(bobStream.messages.filter((m) => m.data.kind === 'event')).toEqual([]);
  });

  it('gives an admin every user’s events', async () => {
    const userStream = openUserStream(admin);
    await userStream.until((m) => m.length > 0);
    const { jobId } = await publishNewStory(bob, 1);
    await userStream.until(() => eventsOf(userStream, jobId).length > 0);
    userStream.close();
  });

  it('carries a flag change to open streams at once', async () => {
    const userStream = openUserStream(alice);
    await userStream.until((m) => m.length > 0);
    await admin.flags.set.mutate({ jobType: 'story-export', transport: 'shadow' });
    await userStream.until((m) =>
      m.some((message) => message.data.kind === 'flags' && message.data.flags.some((f) => f.jobType === 'story-export' && f.transport === 'shadow')),
    );
    await admin.flags.set.mutate({ jobType: 'story-export', transport: 'push' });
    userStream.close();
  });

  it('refuses a lastEventId that is not a log position', async () => {
    await expect(
      new Promise((resolve, reject) => alice.jobs.onMyJobs.subscribe({ lastEventId: 'abc' }, { onData: resolve, onError: reject })),
    ).rejects.toThrow(/log position/);
  });

  it('reads nothing while no stream is open, and a stream opened afterwards misses nothing', async () => {
    const { jobId } = await publishNewStory(alice, 1);
    const first = openUserStream(alice);
    await first.until((m) => m.length > 0);
    const position = first.messages[0].id;
    first.close();
    await settle();
    const readBefore = stack.api.logReader.received();
    const quiet = await appendEvents(stack.database.db, jobId, 20, { perTransaction: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stack.api.logReader.received()).toBe(readBefore);

    const resumed = openUserStream(alice, position);
    await resumed.until(() => eventsOf(resumed, jobId).some((event) => event.seq === quiet.at(-1)));
    const live = await appendEvents(stack.database.db, jobId, 5, { perTransaction: 1 });
    await resumed.until(() => eventsOf(resumed, jobId).some((event) => event.seq === live.at(-1)));
    resumed.close();
    const seqs = eventsOf(resumed, jobId).map((event) => event.seq);
    expect(seqs).toEqual([...quiet, ...live]);
  });

  it('leaves no listener, stream or growing heap behind after 1,000 watch/unwatch cycles', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'tests run with --expose-gc').toBeTypeOf('function');
    const cycle = async () => {
      const userStream = openUserStream(alice);
      await userStream.until((m) => m.length > 0);
      userStream.close();
    };
    for (let i = 0; i < 100; i += 1) await cycle();
    await settle();
    gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000; i += 1) await cycle();
    await settle();
    gc?.();
    const growthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    expect(stack.api.openStreams()).toBe(0);
    expect(stack.api.hub.counts()).toEqual({ feed: 0, job: 0 });
    expect(await stack.api.metrics.registry.getSingleMetricAsString('storyline_active_streams')).not.toMatch(/ [1-9]\d*$/m);
    expect(growthMb).toBeLessThan(16);
  }, 180_000);
});

async function settle() {
  const deadline = Date.now() + 10_000;
  while (stack.api.openStreams() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
