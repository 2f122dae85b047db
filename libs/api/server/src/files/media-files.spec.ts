import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { purgeDeleted } from '@storyline/job-handlers';
import { eventually } from '../../../../../tools/testing/eventually';
import { draftStory, saveDraftOver } from '../testing/story-fixtures';
import { postFile, testPng } from '../testing/test-images';
import { startTestStack, type TestClient, type TestStack } from '../testing/test-stack';
import { useTestStack } from '../testing/use-test-stack';

const MAX = 64 * 1024;
let stack: TestStack;
let alice: TestClient;
let aliceCookie: string;
let bobCookie: string;
let adminCookie: string;
let storyId: string;

useTestStack(
  async (started) => {
    ({ stack, alice } = started);
    [aliceCookie, bobCookie, adminCookie] = await Promise.all(['alice', 'bob', 'admin'].map((name) => stack.loginCookie(name)));
    storyId = await draftStory(alice, 2);
  },
  { files: { mediaMaxBytes: MAX } },
);

const upload = (cookie: string | null, file: { name: string; bytes: Buffer; type?: string }, story = storyId) =>
  postFile(`${stack.baseUrl}/files/media?storyId=${story}`, cookie, file);
const storedBlobs = async (story: string) => {
  const names: string[] = [];
  for await (const name of stack.api.blobs.list('media', `${story}/`)) names.push(name);
  return names;
};

describe('images on story pages', () => {
  it('stores a PNG checked by its bytes, whatever its name, and serves it back to the owner and admins only', async () => {
    const png = testPng(7);
    const answer = await upload(aliceCookie, { name: 'cover.jpg', bytes: png, type: 'image/jpeg' });
    expect(answer.status).toBe(201);
    expect(answer.body.media).toMatchObject({ contentType: 'image/png', byteSize: png.length, state: 'ready', url: `/files/media/${answer.body.media?.id}` });

    const owner = await fetch(`${stack.baseUrl}${answer.body.media?.url}`, { headers: { cookie: aliceCookie } });
    expect(owner.status).toBe(200);
    expect(owner.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await owner.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${stack.baseUrl}${answer.body.media?.url}`, { headers: { cookie: adminCookie } })).status).toBe(200);
    const other = await fetch(`${stack.baseUrl}${answer.body.media?.url}`, { headers: { cookie: bobCookie } });
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'This story belongs to another user' } });
    expect((await fetch(`${stack.baseUrl}${answer.body.media?.url}`)).status).toBe(401);
    expect((await alice.media.list.query({ storyId })).map((media) => media.id)).toContain(answer.body.media?.id);
  });

  it('refuses a file that is not a PNG or JPEG, even when it is named like one, and keeps nothing', async () => {
    const story = await draftStory(alice);
    const answer = await upload(aliceCookie, { name: 'holiday.png', bytes: Buffer.from('GIF89a not really an image at all'), type: 'image/png' });
    const refused = await postFile(`${stack.baseUrl}/files/media?storyId=${story}`, aliceCookie, { name: 'notes.png', bytes: Buffer.from('plain text, not pixels') });
    expect(answer).toMatchObject({ status: 415, body: { error: { code: 'NOT_AN_IMAGE', message: 'holiday.png is not a PNG or JPEG image' } } });
    expect(refused.status).toBe(415);
    expect(await alice.media.list.query({ storyId: story })).toEqual([]);
    expect(await storedBlobs(story)).toEqual([]);
  });

  it('refuses an image over the size cap with the cap in the message, and keeps nothing', async () => {
    const story = await draftStory(alice);
    const big = Buffer.concat([testPng(3), Buffer.alloc(MAX)]);
    const answer = await postFile(`${stack.baseUrl}/files/media?storyId=${story}`, aliceCookie, { name: 'huge.png', bytes: big });
    expect(answer).toMatchObject({ status: 413, body: { error: { code: 'TOO_LARGE', message: expect.stringContaining('64 KiB') } } });
    expect(await alice.media.list.query({ storyId: story })).toEqual([]);
    expect(await storedBlobs(story)).toEqual([]);
  });

  it('lets only the owner add images, and says why to everyone else', async () => {
    expect(await upload(bobCookie, { name: 'a.png', bytes: testPng() })).toMatchObject({ status: 403, body: { error: { message: 'This story belongs to another user' } } });
    expect(await upload(adminCookie, { name: 'a.png', bytes: testPng() })).toMatchObject({ status: 403, body: { error: { message: 'Only the owner may change this story' } } });
    expect(await upload(null, { name: 'a.png', bytes: testPng() })).toMatchObject({ status: 401 });
    expect(await upload(aliceCookie, { name: 'a.png', bytes: testPng() }, 'not-a-uuid')).toMatchObject({ status: 400, body: { error: { message: 'storyId must be a UUID' } } });
    expect(await upload(aliceCookie, { name: 'a.png', bytes: testPng() }, '00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404 });
  });

  it('refuses a body that is not multipart, or that has no file field', async () => {
    const raw = await fetch(`${stack.baseUrl}/files/media?storyId=${storyId}`, { method: 'POST', headers: { cookie: aliceCookie, 'content-type': 'image/png' }, body: new Uint8Array(testPng()) });
    expect(raw.status).toBe(415);
    expect(((await raw.json()) as { error: { message: string } }).error.message).toMatch(/multipart\/form-data/);
    const form = new FormData();
    form.append('title', 'no file here');
    const empty = await fetch(`${stack.baseUrl}/files/media?storyId=${storyId}`, { method: 'POST', headers: { cookie: aliceCookie }, body: form });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe('NO_FILE');
  });

  it('survives a client that hangs up half-way through an upload, and keeps nothing of it', async () => {
    const story = await draftStory(alice);
    const { port } = new URL(stack.baseUrl);
    const boundary = 'storyline-test-boundary';
    const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="half.png"\r\ncontent-type: image/png\r\n\r\n`;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /files/media?storyId=${story} HTTP/1.1\r\nhost: x\r\ncookie: ${aliceCookie}\r\n` +
            `content-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: 100000\r\n\r\n${head}`,
        );
        socket.write(testPng(5));
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    await eventually(() => storedBlobs(story), (names) => names.length === 0, 'the half upload to leave nothing', { timeoutMs: 5_000 });
    expect(await alice.media.list.query({ storyId: story })).toEqual([]);
    expect((await fetch(`${stack.baseUrl}/healthz`)).status).toBe(200);
  });

  it('refuses a draft whose pages name images of another story', async () => {
    const other = await draftStory(alice);
    const uploaded = await upload(aliceCookie, { name: 'a.png', bytes: testPng(9) }, other);
    const mediaId = uploaded.body.media?.id ?? '';
    await expect(
      saveDraftOver(alice, { storyId, title: 'Mixed', pages: [{ en: 'one', ro: 'unu', media: [mediaId] }] }),
    ).rejects.toThrow(/Page 1 names images that are not this story's/);
    const saved = await saveDraftOver(alice, { storyId: other, title: 'Own', pages: [{ en: 'one', ro: 'unu', media: [mediaId] }] });
    expect(saved.pages[0].media).toEqual([mediaId]);
    expect(saved.media.map((media) => media.id)).toEqual([mediaId]);
  });

  it('deletes an image a save takes off its last page once the undo window passed, but keeps one a published version still shows', async () => {
    const story = await draftStory(alice, 1);
    const [kept, dropped, published] = await Promise.all([1, 2, 3].map((seed) => upload(aliceCookie, { name: `p${seed}.png`, bytes: testPng(seed + 20) }, story)));
    const ids = [kept, dropped, published].map((answer) => answer.body.media?.id ?? '');
    await saveDraftOver(alice, { storyId: story, title: 'Pictures', pages: [{ en: 'one', ro: 'unu', media: [ids[2]] }] });
    await stack.database.sql`insert into story_versions (story_id, version, title, pages)
      select id, 1, title, pages from stories where id = ${story}`;
    await saveDraftOver(alice, { storyId: story, title: 'Pictures', pages: [{ en: 'one', ro: 'unu', media: [ids[0], ids[2]] }, { en: 'two', ro: 'doi', media: [ids[1]] }] });

    await saveDraftOver(alice, { storyId: story, title: 'Pictures', pages: [{ en: 'one', ro: 'unu', media: [ids[0]] }, { en: 'two', ro: 'doi', media: [] }] });
    // Within the undo window both dropped images stay, so an Undo after the save can put them back.
    expect((await storedBlobs(story)).sort()).toEqual([`${story}/${ids[0]}`, `${story}/${ids[1]}`, `${story}/${ids[2]}`].sort());
    await purgeDeleted(stack.database.db, stack.api.blobs, 0);
    // ids[1] was on no version: gone. ids[2] is shown by version 1: kept, though no page of the draft shows it.
    expect((await alice.stories.get.query({ storyId: story })).media.map((media) => media.id).sort()).toEqual([ids[0], ids[2]].sort());
    expect((await storedBlobs(story)).sort()).toEqual([`${story}/${ids[0]}`, `${story}/${ids[2]}`].sort());
    expect((await fetch(`${stack.baseUrl}/files/media/${ids[1]}`, { headers: { cookie: aliceCookie } })).status).toBe(404);
  });

  it('refuses a second upload of a user while the first still runs, before reading it, and takes it once the first is done', async () => {
    const limited = await startTestStack({ uploadLimits: { maxUploadsPerUser: 1 } });
    const client = await limited.login('alice');
    const cookie = await limited.loginCookie('alice');
    const story = await draftStory(client);
    const { port } = new URL(limited.baseUrl);
    const boundary = 'storyline-slow-boundary';
    const slow = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write(
      `POST /files/media?storyId=${story} HTTP/1.1\r\nhost: x\r\ncookie: ${cookie}\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\n` +
        `content-length: 60000\r\n\r\n--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="slow.png"\r\n\r\n`,
    );
    slow.write(testPng(31));
    const inFlight = async () => /^storyline_uploads_in_flight (\d+)/m.exec(await (await fetch(`${limited.baseUrl}/metrics`)).text())?.[1];
    await eventually(inFlight, (count) => count === '1', 'the slow upload to be taken', { timeoutMs: 5_000 });
    try {
      await eventually(
        () => postFile(`${limited.baseUrl}/files/media?storyId=${story}`, cookie, { name: 'second.png', bytes: testPng(32) }),
        (answer) => answer.status === 429,
        'the second upload to be refused while the first runs',
        { timeoutMs: 5_000 },
      ).then((answer) => expect(answer.body.error?.message).toBe('At most 1 uploads may run at once; wait for one to finish'));
    } finally {
      slow.destroy();
    }
    const later = await eventually(
      () => postFile(`${limited.baseUrl}/files/media?storyId=${story}`, cookie, { name: 'third.png', bytes: testPng(33) }),
      (answer) => answer.status === 201,
      'an upload to be taken once the first has gone',
      { timeoutMs: 5_000 },
    );
    expect(later.body.media?.fileName).toBe('third.png');
    await limited.close();
  });
});
