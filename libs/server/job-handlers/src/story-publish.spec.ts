import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHandlerStack, type HandlerStack } from './testing/start-handler-stack';
import { insertStory, readStory, testPng } from './testing/story-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
});
afterEach(() => stack.stopWorkers());
afterAll(() => stack?.close());

const publish = (storyId: string) => stack.startJob('story-publish', storyId, { storyId }, { supersedeQueued: true });
const versionsOf = (storyId: string) => stack.database.sql<{ version: number; title: string }[]>`select version, title from story_versions where story_id = ${storyId} order by version`;

describe('story-publish', () => {
  it('publishes the draft as the next version each time, each page rendered to HTML in the published container', async () => {
    const { storyId, images } = await insertStory(stack, 'The fox & the pike', [{ en: 'The fox <swam>.', ro: 'Vulpea a înotat.', images: [testPng(5)] }, { en: 'The end.', ro: 'Sfârșit.' }]);
    stack.startWorker();

    const first = await stack.jobEnded(await publish(storyId));
    expect(first).toMatchObject({ status: 'Completed', progress: 100, result: { version: 1 }, dequeueCount: 1 });
    expect(await stack.blobsUnder('published', `${storyId}/`)).toEqual([`${storyId}/${first.id}/page-001.html`, `${storyId}/${first.id}/page-002.html`]);
    const page = (await stack.readBlob('published', `${storyId}/${first.id}/page-001.html`)).toString('utf8');
    expect(page).toContain('<title>The fox &amp; the pike — 1/2</title>');
    expect(page).toContain('<p>The fox &lt;swam&gt;.</p>');
    expect(page).toContain('<section lang="ro"><p>Vulpea a înotat.</p></section>');
    expect(page).toContain(`<img src="/files/media/${[...images.keys()][0]}" alt="">`);

    const second = await stack.jobEnded(await publish(storyId));
    expect(second.result).toEqual({ version: 2 });
    expect(await versionsOf(storyId)).toEqual([
      { version: 1, title: 'The fox & the pike' },
      { version: 2, title: 'The fox & the pike' },
    ]);
    expect(await readStory(stack, storyId)).toMatchObject({ publishedVersion: 2, baseVersion: 2 });
  });

  it('records each status, phase and the completion as ordered events', async () => {
    const { storyId } = await insertStory(stack, 'Ordered', [{ en: 'One', ro: 'Unu' }]);
    stack.startWorker();
    const jobId = await publish(storyId);
    await stack.jobEnded(jobId);

    const events = await stack.events(jobId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.kind !== 'progress').map((event) => (event.kind === 'phase' ? event.phase : event.kind))).toEqual([
      'status',
      'status',
      'validate',
      'render',
      'finalise',
      'completed',
    ]);
  });

  it('marks the older queued publish job superseded, naming the job that replaced it, and runs the newer only', async () => {
    const { storyId } = await insertStory(stack, 'Twice asked', [{ en: 'One', ro: 'Unu' }]);
    const older = await publish(storyId);
    const newer = await publish(storyId);
    stack.startWorker();

    expect(await stack.jobEnded(newer)).toMatchObject({ status: 'Completed', result: { version: 1 } });
    await stack.queueDrained('story-publish');
    expect(await stack.jobEnded(older)).toMatchObject({ status: 'Superseded', message: `Replaced by a newer request (job ${newer.slice(0, 8)})` });
    expect((await stack.events(older)).map((event) => event.kind)).toEqual(['status', 'superseded']);
    expect(await versionsOf(storyId)).toEqual([{ version: 1, title: 'Twice asked' }]);
  });

  it.each([
    { what: 'a page without English text, naming the page', pages: [{ en: 'ok', ro: 'ok' }, { en: '  ', ro: 'doar română' }], error: 'The draft cannot be published: page 2 has no English text', page: 2 },
    { what: 'no page at all', pages: [], error: 'The draft cannot be published: a story needs at least one page before it can be published', page: null },
  ])('fails at once, rendering nothing, with no retry but fixing the story, for $what', async ({ pages, error, page }) => {
    const { storyId } = await insertStory(stack, 'Not ready', pages);
    stack.startWorker();

    const failure = { retryable: false, remedy: { action: 'fix-target', page } };
    expect(await stack.jobEnded(await publish(storyId))).toMatchObject({ status: 'Failed', error, failure, dequeueCount: 1 });
    expect(await versionsOf(storyId)).toEqual([]);
    expect(await stack.blobsUnder('published', `${storyId}/`)).toEqual([]);
  });

  it('fails at once while an image of the draft is still being copied', async () => {
    const { storyId, images } = await insertStory(stack, 'Half copied', [{ en: 'One', ro: 'Unu' }, { en: 'Two', ro: 'Doi', images: [testPng(6)] }]);
    await stack.database.sql`update media set state = 'copying' where id = ${[...images.keys()][0]}`;
    stack.startWorker();

    expect(await stack.jobEnded(await publish(storyId))).toMatchObject({
      status: 'Failed',
      error: 'The draft cannot be published: images on page 2 are not in place yet',
      // The copy finishes on its own: the user's Retry can succeed.
      failure: { retryable: true, remedy: null },
    });
  });

  it('fails at once when the story no longer exists', async () => {
    stack.startWorker();
    const storyId = randomUUID();
    expect(await stack.jobEnded(await publish(storyId))).toMatchObject({ status: 'Failed', error: 'The story no longer exists.', dequeueCount: 1 });
  });

  it('applies once when its message is delivered again: the job, its events and the versions stay as they were', async () => {
    const { storyId } = await insertStory(stack, 'Delivered twice', [{ en: 'One', ro: 'Unu' }]);
    stack.startWorker();
    const job = await stack.jobEnded(await publish(storyId));

    const { before, after } = await stack.redeliver(job, async () => ({ versions: await versionsOf(storyId), pages: await stack.blobsUnder('published', `${storyId}/`) }));

    expect(before.events.filter((event) => event.kind === 'completed')).toHaveLength(1);
    expect(after).toEqual(before);
  });
});
