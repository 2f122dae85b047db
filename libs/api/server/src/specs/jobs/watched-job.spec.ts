import { describe, expect, it } from 'vitest';
import type { JobEvent } from '@storyline/contracts';
import { collectWatch } from '../../testing/collect-watch';
import { publishNewStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;

useTestStack((started) => ({ stack, alice, bob, admin } = started));

const eventsOf = (received: Awaited<ReturnType<typeof collectWatch>>) =>
  received.flatMap((message) => (message.data.kind === 'event' ? [message.data.event as JobEvent] : []));

describe('jobs.watch', () => {
  it('sends the current state, then every event with its sequence as id, and ends after the terminal one', async () => {
    const { jobId } = await publishNewStory(alice, 3);
    let worker: ReturnType<TestStack['startWorker']> | undefined;
    // The worker starts only once the snapshot is taken, so the snapshot always shows the job queued.
    const received = await collectWatch(alice, { jobId }, { onFirst: () => (worker = stack.startWorker()) });
    await worker?.stop();

    expect(received[0].data).toMatchObject({ kind: 'snapshot', job: { id: jobId, status: 'Queued', lastSeq: 1 } });
    expect(received[0].id).toBe('1');
    const events = eventsOf(received);
    expect(events.map((event) => String(event.seq))).toEqual(received.slice(1).map((message) => message.id));
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 2));
    expect(events.at(-1)).toMatchObject({ kind: 'completed', result: { version: 1 } });
    const stored = await stack.database.sql`select count(*)::int as n from job_events where job_id = ${jobId}`;
    expect(stored[0]['n']).toBe(received.length);
  });

  it('resumes after a lastEventId with exactly the events after it, for a finished job', async () => {
    const { jobId } = await publishNewStory(alice, 3);
    const worker = stack.startWorker();
    const full = await collectWatch(alice, { jobId, lastEventId: '0' });
    await worker.stop();
    const allSeqs = eventsOf(full).map((event) => event.seq);
    expect(allSeqs[0]).toBe(1);

    const resumed = await collectWatch(alice, { jobId, lastEventId: '3' });
    expect(eventsOf(resumed).map((event) => event.seq)).toEqual(allSeqs.filter((seq) => seq > 3));
  });

  it('resumes mid-job without a gap or a duplicate where replay meets live events', async () => {
    const { jobId } = await publishNewStory(alice, 8);
    const resumed = collectWatch(alice, { jobId, lastEventId: '1' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const worker = stack.startWorker();
    const received = await resumed;
    await worker.stop();
    const seqs = eventsOf(received).map((event) => event.seq);
    const stored = await stack.database.sql<{ seq: number }[]>`select seq from job_events where job_id = ${jobId} order by seq`;
    expect(seqs).toEqual(stored.map((row) => row.seq).filter((seq) => seq > 1));
  });

  it('sends only the snapshot for a job that already ended', async () => {
    const { jobId } = await publishNewStory(alice, 1);
    const worker = stack.startWorker();
    await collectWatch(alice, { jobId });
    await worker.stop();
    const again = await collectWatch(alice, { jobId });
    expect(again).toHaveLength(1);
    expect(again[0].data).toMatchObject({ kind: 'snapshot', job: { status: 'Completed' } });
  });

  it('refuses bob on alice’s job, by stream and by polling, and lets an admin watch', async () => {
    const { jobId } = await publishNewStory(alice, 1);
    await expect(collectWatch(bob, { jobId })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(bob.jobs.get.query({ jobId })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const seen = await new Promise((resolve, reject) => {
      const subscription = admin.jobs.watch.subscribe({ jobId }, {
        onData: (message) => {
          subscription.unsubscribe();
          resolve(message.data);
        },
        onError: reject,
      });
    });
    expect(seen).toMatchObject({ kind: 'snapshot', job: { id: jobId } });
  });

  it('rejects a lastEventId that is not a sequence number', async () => {
    const { jobId } = await publishNewStory(alice, 1);
    await expect(collectWatch(alice, { jobId, lastEventId: 'abc' })).rejects.toThrow(/lastEventId must be a sequence number/);
  });
});
