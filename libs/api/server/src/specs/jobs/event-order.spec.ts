import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { JobEvent, UserStreamMessage } from '@storyline/contracts';
import { recordJobChange } from '@storyline/jobs';
import { appendEvents } from '../../testing/append-events';
import { beginHeld } from '../../testing/held-transaction';
import { eventsOf, openUserStream, openWatch, type OpenStream } from '../../testing/open-stream';
import { publishNewStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

// Every interleaving here is forced step by step through transactions the test holds open;
// nothing depends on how fast the machine is. A stream that misses its condition fails by
// the helper's timeout, which only turns a hang into a failure.

let stack: TestStack;
let alice: TestClient;

useTestStack((started) => ({ stack, alice } = started));

const note = (message: string) => ({ set: {}, event: { kind: 'warning' as const, message } });
const seqsOf = (stream: Parameters<typeof eventsOf>[0], jobId: string) => eventsOf(stream, jobId).map((event) => event.seq);

async function record(tx: Parameters<typeof recordJobChange>[0], jobId: string, message: string): Promise<JobEvent> {
  const event = await recordJobChange(tx, jobId, note(message));
  if (!event) throw new Error(`no event recorded on ${jobId}`);
  return event;
}

/**
 * Two sessions write one job's events; the one that took its transaction id first takes
 * the job's row lock last, so it writes the higher `seq` and commits last. Returns the
 * seqs in the order they committed.
 */
async function writeInvertedPair(jobId: string): Promise<[number, number]> {
  const early = await beginHeld(stack.database.db);
  await early.takeId();
  const late = await beginHeld(stack.database.db);
  const first = await record(late.tx, jobId, 'written by the later transaction, committed first');
  // Waits for `late`'s row lock, so it writes the next seq once `late` commits.
  const writing = record(early.tx, jobId, 'written by the earlier transaction, committed last');
  await late.commit();
  const second = await writing;
  await early.commit();
  return [first.seq, second.seq];
}

/** Commits one more event and waits for it, so anything sent twice or late would show before it. */
async function sentinel(jobId: string, ...streams: Array<Parameters<typeof eventsOf>[0]>): Promise<number> {
  const [seq] = await appendEvents(stack.database.db, jobId, 1);
  for (const stream of streams) await stream.until(() => seqsOf(stream, jobId).includes(seq));
  return seq;
}

async function openLive<T>(stream: OpenStream<T>): Promise<OpenStream<T>> {
  await stream.until((messages) => messages.length > 0);
  return stream;
}

describe('the order of a job’s events on every stream', () => {
  it('delivers each inverted pair in seq order, once, on onMyJobs and on watch', async () => {
    const { jobId } = await publishNewStory(alice, 1);
    const userStream = await openLive(openUserStream(alice));
    const watch = await openLive(openWatch(alice, { jobId }));
    const written: number[] = [1];
    for (let pair = 0; pair < 5; pair += 1) written.push(...(await writeInvertedPair(jobId)));
    written.push(await sentinel(jobId, userStream, watch));
    userStream.close();
    watch.close();

    expect(written).toEqual(written.map((_, index) => index + 1));
    // The snapshot already held seq 1; everything after it arrives in order, each once.
    expect(seqsOf(userStream, jobId)).toEqual(written.slice(1));
    expect(seqsOf(watch, jobId)).toEqual(written.slice(1));
  });

  it('resumes exactly after any event, the first of an inverted pair included', async () => {
    const [one, two] = await Promise.all([publishNewStory(alice, 1), publishNewStory(alice, 1)]);
    const userStream = await openLive(openUserStream(alice));
    await writeInvertedPair(one.jobId);
    await appendEvents(stack.database.db, two.jobId, 2, { perTransaction: 1 });
    await writeInvertedPair(two.jobId);
    await writeInvertedPair(one.jobId);
    const last = await sentinel(two.jobId, userStream);
    userStream.close();

    const ours = (stream: OpenStream<UserStreamMessage>) =>
      stream.messages.flatMap(({ id, data }) =>
        data.kind === 'event' && [one.jobId, two.jobId].includes(data.event.jobId) ? [{ id, key: `${data.event.jobId}:${data.event.seq}` }] : [],
      );
    const full = ours(userStream);
    expect(seqsOf(userStream, one.jobId)).toEqual([2, 3, 4, 5]);
    expect(seqsOf(userStream, two.jobId)).toEqual([2, 3, 4, 5, 6]);
    // Every cut but after the sentinel, which the resumed stream waits for.
    for (const [index, cut] of full.slice(0, -1).entries()) {
      const resumed = openUserStream(alice, cut.id);
      await resumed.until(() => seqsOf(resumed, two.jobId).includes(last));
      resumed.close();
      expect(ours(resumed).map((m) => m.key), `resuming after ${cut.key}`).toEqual(full.slice(index + 1).map((m) => m.key));
    }
  });

  it('carries committed events at once while another session holds a transaction open, and the held one when it commits', async () => {
    const [flowing, held] = await Promise.all([publishNewStory(alice, 1), publishNewStory(alice, 1)]);
    const userStream = await openLive(openUserStream(alice));
    const snapshotPosition = userStream.messages[0].id;
    const watch = await openLive(openWatch(alice, { jobId: flowing.jobId }));
    const open = await beginHeld(stack.database.db);
    await open.takeId();
    const heldEvent = await record(open.tx, held.jobId, 'written in the transaction left open');

    const written = await appendEvents(stack.database.db, flowing.jobId, 10, { perTransaction: 1 });
    await userStream.until(() => seqsOf(userStream, flowing.jobId).includes(written.at(-1) ?? -1));
    await watch.until(() => seqsOf(watch, flowing.jobId).includes(written.at(-1) ?? -1));
    // A stream opened, or resumed, while the transaction is still open is not held back either.
    const fresh = await openLive(openUserStream(alice));
    const resumed = openUserStream(alice, snapshotPosition);
    const more = await appendEvents(stack.database.db, flowing.jobId, 2, { perTransaction: 1 });
    for (const stream of [userStream, fresh, resumed]) await stream.until(() => seqsOf(stream, flowing.jobId).includes(more.at(-1) ?? -1));
    expect(eventsOf(userStream, held.jobId)).toEqual([]);

    await open.commit();
    for (const stream of [userStream, fresh, resumed]) await stream.until(() => seqsOf(stream, held.jobId).includes(heldEvent.seq));
    await sentinel(held.jobId, userStream, fresh, resumed);
    await sentinel(flowing.jobId, userStream, watch, fresh, resumed);
    for (const stream of [userStream, watch, fresh, resumed]) stream.close();

    const last = more[more.length - 1] + 1;
    for (const stream of [userStream, watch, resumed]) expect(seqsOf(stream, flowing.jobId)).toEqual([...written, ...more, last]);
    expect(seqsOf(fresh, flowing.jobId)).toEqual([...more, last]);
    expect(seqsOf(userStream, held.jobId)).toEqual([heldEvent.seq, heldEvent.seq + 1]);
    expect(seqsOf(resumed, held.jobId)).toEqual([heldEvent.seq, heldEvent.seq + 1]);
  });

  it('steps over a transaction that rolled back, even one that had taken its position', async () => {
    const [doomed, passing] = await Promise.all([publishNewStory(alice, 1), publishNewStory(alice, 1)]);
    const userStream = await openLive(openUserStream(alice));
    const watch = await openLive(openWatch(alice, { jobId: doomed.jobId }));
    const rolled = await beginHeld(stack.database.db);
    const lost = await record(rolled.tx, doomed.jobId, 'never committed');
    const [passed] = await appendEvents(stack.database.db, passing.jobId, 1);
    await userStream.until(() => seqsOf(userStream, passing.jobId).includes(passed));
    // Fires the commit-time trigger now: the transaction takes a position, then rolls back.
    await rolled.tx.execute(sql`set constraints job_events_take_position immediate`);
    await rolled.rollback();

    const kept = await stack.database.db.transaction((tx) => record(tx, doomed.jobId, 'committed after the rollback'));
    await userStream.until(() => seqsOf(userStream, doomed.jobId).includes(kept.seq));
    await watch.until(() => seqsOf(watch, doomed.jobId).includes(kept.seq));
    await sentinel(doomed.jobId, userStream, watch);
    userStream.close();
    watch.close();

    expect(kept.seq).toBe(lost.seq);
    for (const stream of [userStream, watch]) {
      expect(eventsOf(stream, doomed.jobId).map((event) => [event.seq, event.kind === 'warning' && event.message])).toEqual([
        [kept.seq, 'committed after the rollback'],
        [kept.seq + 1, expect.any(String)],
      ]);
    }
    const positions = userStream.messages.filter((m) => m.data.kind === 'event').map((m) => Number(m.id));
    // The rolled-back transaction's position is a hole between the passing event and the kept one.
    expect(positions[1] - positions[0]).toBe(2);
  });
});
