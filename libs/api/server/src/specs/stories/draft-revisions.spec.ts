import { afterAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { DRAFT_CONFLICT_MESSAGE } from '@storyline/contracts';
import type { AppRouter } from '@storyline/api-router';
import type { JobWorker } from '@storyline/jobs';
import { jobEnded } from '../../testing/job-ended';
import { draftStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let worker: JobWorker;

useTestStack((started) => {
  ({ stack, alice } = started);
  worker = stack.startWorker();
});
// Registered after the stack's own, so it runs before the stack closes.
afterAll(() => worker?.stop());

const page = (en: string) => ({ en, ro: `${en} (ro)`, media: [] });
const description = { en: 'A valley.', ro: 'O vale.' };

async function refusal(save: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const error = await save.then(
    () => expect.fail('the save was taken'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const trpcError = error as TRPCClientError<AppRouter>;
  return { code: trpcError.data?.code, message: trpcError.message };
}

describe('a story draft’s revision', () => {
  it('moves on with every save, and a save based on an older revision is refused with a conflict, keeping the newer words', async () => {
    const storyId = await draftStory(alice, [page('opened')]);
    const { revision } = await alice.stories.get.query({ storyId });
    const first = await alice.stories.saveDraft.mutate({ storyId, title: 'Tab one', pages: [page('saved by tab one')], revision });
    expect(first.revision).toBe(revision + 1);

    expect(await refusal(alice.stories.saveDraft.mutate({ storyId, title: 'Tab two', pages: [page('typed in tab two')], revision }))).toEqual({
      code: 'CONFLICT',
      message: DRAFT_CONFLICT_MESSAGE,
    });
    expect(await alice.stories.get.query({ storyId })).toMatchObject({ title: 'Tab one', pages: [page('saved by tab one')], revision: revision + 1 });

    // "Keep mine": the same words, based on the revision the conflict showed, go through.
    const kept = await alice.stories.saveDraft.mutate({ storyId, title: 'Tab two', pages: [page('typed in tab two')], revision: first.revision });
    expect(kept).toMatchObject({ title: 'Tab two', revision: revision + 2 });
  });

  it('lets exactly one of four saves based on the same revision land, however they interleave', async () => {
    const storyId = await draftStory(alice, [page('opened')]);
    const { revision } = await alice.stories.get.query({ storyId });
    const saves = await Promise.allSettled(
      ['one', 'two', 'three', 'four'].map((tab) => alice.stories.saveDraft.mutate({ storyId, title: `Tab ${tab}`, pages: [page(tab)], revision })),
    );
    const landed = saves.filter((save) => save.status === 'fulfilled');
    expect(landed).toHaveLength(1);
    const refused = saves.filter((save): save is PromiseRejectedResult => save.status === 'rejected');
    expect(refused.map((save) => (save.reason as TRPCClientError<AppRouter>).data?.code)).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT']);
    const stored = await alice.stories.get.query({ storyId });
    expect(stored).toEqual(landed[0].value);
    expect(stored.revision).toBe(revision + 1);
  });

  it('answers a retried save that already landed as saved, not as a conflict with itself, without counting it twice', async () => {
    const storyId = await draftStory(alice, [page('opened')]);
    const { revision } = await alice.stories.get.query({ storyId });
    const save = { storyId, title: 'Sent twice', pages: [page('the answer was lost on the way')], revision };
    const landed = await alice.stories.saveDraft.mutate(save);
    const retried = await alice.stories.saveDraft.mutate(save);
    expect(retried).toEqual(landed);
    expect(retried.revision).toBe(revision + 1);
  });

  it('moves on when a published version is opened as the draft, so an editor still holding the old draft gets a conflict, not an overwrite', async () => {
    const storyId = await draftStory(alice, [page('published words')]);
    const published = await jobEnded(alice, (await alice.stories.publish.mutate({ storyId })).jobId);
    expect(published.status).toBe('Completed');
    const edited = await alice.stories.saveDraft.mutate({ storyId, title: 'Edited', pages: [page('later words')], revision: (await alice.stories.get.query({ storyId })).revision });

    const opened = await jobEnded(alice, (await alice.stories.openVersion.mutate({ storyId, version: 1, discardChanges: true })).jobId);
    expect(opened.status).toBe('Completed');
    expect((await alice.stories.get.query({ storyId })).revision).toBe(edited.revision + 1);

    const stale = alice.stories.saveDraft.mutate({ storyId, title: 'Edited', pages: [page('typed in the open editor')], revision: edited.revision });
    expect((await refusal(stale)).code).toBe('CONFLICT');
    expect((await alice.stories.get.query({ storyId })).pages).toEqual([page('published words')]);
  });

  it('refuses a save without a revision, saying what is missing', async () => {
    const storyId = await draftStory(alice, 1);
    const unversioned = { storyId, title: 'No revision', pages: [page('x')] } as unknown as Parameters<typeof alice.stories.saveDraft.mutate>[0];
    expect(await refusal(alice.stories.saveDraft.mutate(unversioned))).toEqual({
      code: 'BAD_REQUEST',
      message: 'revision: revision is required: the revision of the draft this save is based on',
    });
  });
});

describe.each(['regions', 'heroes'] as const)('a %s revision', (area) => {
  it('refuses a save based on an older revision and takes one that repeats what is stored', async () => {
    const { id, revision } = await alice[area].create.mutate({ name: 'Stonewind' });
    const saved = await alice[area].save.mutate({ id, name: 'Tab one', description, revision });
    expect(saved.revision).toBe(revision + 1);
    expect((await refusal(alice[area].save.mutate({ id, name: 'Tab two', description, revision }))).code).toBe('CONFLICT');
    expect(await alice[area].save.mutate({ id, name: 'Tab one', description, revision })).toEqual(saved);
    expect((await alice[area].get.query({ id })).name).toBe('Tab one');
  });
});

describe('an epic’s revision', () => {
  it('refuses a save based on an older revision, leaving the items as the newer save left them', async () => {
    const storyId = await draftStory(alice, 1);
    const { id, revision } = await alice.epics.create.mutate({ name: 'The Saga' });
    const saved = await alice.epics.save.mutate({ id, name: 'Tab one', description, items: [{ kind: 'story', id: storyId }], revision });
    expect(saved.revision).toBe(revision + 1);
    expect((await refusal(alice.epics.save.mutate({ id, name: 'Tab two', description, items: [], revision }))).code).toBe('CONFLICT');
    expect(await alice.epics.save.mutate({ id, name: 'Tab one', description, items: [{ kind: 'story', id: storyId }], revision })).toEqual(saved);
    expect((await alice.epics.get.query({ id })).items.map((item) => item.id)).toEqual([storyId]);
  });
});
