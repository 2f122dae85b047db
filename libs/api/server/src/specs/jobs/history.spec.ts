import { describe, expect, it } from 'vitest';
import type { TitledJob } from '@storyline/contracts';
import { draftStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;

useTestStack((started) => ({ stack, alice, bob } = started));

/** `count` queued publish jobs of alice's on one story, all queued in the same microsecond (one insert). */
async function queueSameInstant(storyId: string, count: number): Promise<void> {
  await stack.database.sql`
    insert into jobs (type, target_id, owner_id, payload)
    select 'story-publish', id, owner_id, jsonb_build_object('storyId', id) from stories, generate_series(1, ${count}) where id = ${storyId}`;
}

describe('jobs.history', () => {
  it('pages through every one of the caller’s jobs once, newest first, even when many share one instant', async () => {
    const storyId = await draftStory(alice, 1, 'The Fox and the Lantern');
    await queueSameInstant(storyId, 7);
    const seen: TitledJob[] = [];
    let before: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof alice.jobs.history.query>> = await alice.jobs.history.query({ before, limit: 3 });
      expect(page.jobs.length).toBeLessThanOrEqual(3);
      seen.push(...page.jobs);
      before = page.next;
    } while (before);
    const mine = seen.filter((job) => job.targetId === storyId);
    expect(mine).toHaveLength(7);
    expect(new Set(seen.map((job) => job.id)).size).toBe(seen.length);
    expect(mine.every((job) => job.targetTitle === 'The Fox and the Lantern')).toBe(true);
    const order = seen.map((job) => `${job.queuedAt}|${job.id}`);
    expect(order).toEqual([...order].sort().reverse());
    expect((await bob.jobs.history.query({})).jobs.some((job) => job.targetId === storyId)).toBe(false);
  });

  it('names a target that is gone with no title, and refuses a page size past the bound and a made-up cursor', async () => {
    const storyId = await draftStory(alice, 1, 'Soon gone');
    await queueSameInstant(storyId, 1);
    await stack.database.sql`update jobs set target_id = gen_random_uuid() where target_id = ${storyId}`;
    const { jobs } = await alice.jobs.history.query({ limit: 50 });
    expect(jobs.filter((job) => job.targetTitle === null).length).toBeGreaterThanOrEqual(1);
    await expect(alice.jobs.history.query({ limit: 51 })).rejects.toThrow(/at most 50/);
    await expect(alice.jobs.history.query({ before: 'yesterday' })).rejects.toThrow(/cursor from a previous page/);
  });
});

describe('jobs.describe', () => {
  it('gives the owner a job with its target’s title, and no one else', async () => {
    const storyId = await draftStory(alice, 1, 'Described');
    const { jobId } = await alice.stories.publish.mutate({ storyId });
    expect(await alice.jobs.describe.query({ jobId })).toMatchObject({ id: jobId, type: 'story-publish', targetTitle: 'Described' });
    await expect(bob.jobs.describe.query({ jobId })).rejects.toThrow(/belongs to another user/);
  });
});
