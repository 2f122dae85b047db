import { afterAll, describe, expect, it } from 'vitest';
import type { JobType, WorldKind } from '@storyline/contracts';
import type { JobWorker } from '@storyline/jobs';
import { jobEnded } from '../../testing/job-ended';
import { postFile, testPng } from '../../testing/test-images';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { saveOver } from '../../testing/save-over';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let bob: TestClient;
let admin: TestClient;
let aliceCookie: string;
let bobCookie: string;
let adminCookie: string;
let worker: JobWorker;

useTestStack(async (started) => {
  ({ stack, alice, bob, admin } = started);
  [aliceCookie, bobCookie, adminCookie] = await Promise.all([stack.loginCookie('alice'), stack.loginCookie('bob'), stack.loginCookie('admin')]);
  worker = stack.startWorker();
});
// Registered after the stack's own, so it runs before the stack closes.
afterAll(() => worker?.stop());

const description = { en: 'A valley of wind-carved stone.', ro: 'O vale de piatră săpată de vânt, cu șoimi și țânțari.' };

const KINDS: { kind: WorldKind; area: 'regions' | 'heroes'; jobType: JobType }[] = [
  { kind: 'region', area: 'regions', jobType: 'region-version' },
  { kind: 'hero', area: 'heroes', jobType: 'hero-version' },
];

describe.each(KINDS)('$area', ({ kind, area, jobType }) => {
  const api = (client: TestClient) => client[area];
  const imageUrl = (id: string, query = '') => `${stack.baseUrl}/files/${area}/${id}/image${query}`;
  const getImage = async (id: string, cookie: string, query = '') => {
    const response = await fetch(imageUrl(id, query), { headers: { cookie } });
    return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  };
  async function filled(name = `The ${kind}`): Promise<string> {
    const { id } = await api(alice).create.mutate({ name });
    await saveOver(api(alice), { id, name, description });
    return id;
  }
  async function takeVersion(id: string) {
    const { jobId } = await api(alice).version.mutate({ id });
    return jobEnded(alice, jobId);
  }

  it('creates, saves and reads back, listing only the caller’s own', async () => {
    const created = await api(alice).create.mutate({ name: '  Stonewind  ' });
    expect(created).toMatchObject({ name: 'Stonewind', description: { en: '', ro: '' }, image: null, latestVersion: null });
    const saved = await saveOver(api(alice), { id: created.id, name: 'Stonewind Vale', description });
    expect(await api(alice).get.query({ id: created.id })).toEqual(saved);
    expect(saved.description).toEqual(description);
    expect((await api(alice).list.query()).map((row) => row.id)).toContain(created.id);
    expect((await api(bob).list.query()).map((row) => row.id)).not.toContain(created.id);
  });

  it('refuses writes by anyone but the owner, and lets admins read', async () => {
    const id = await filled();
    await expect(api(bob).get.query({ id })).rejects.toThrow(`This ${kind} belongs to another user`);
    await expect(saveOver(api(bob), { id, name: 'Mine now', description })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    await expect(saveOver(api(admin), { id, name: 'Mine now', description })).rejects.toThrow(`Only the owner may change this ${kind}`);
    await expect(api(admin).version.mutate({ id })).rejects.toThrow(`Only the owner may change this ${kind}`);
    expect((await api(admin).get.query({ id })).name).toBe(`The ${kind}`);
    const upload = await postFile(imageUrl(id), bobCookie, { name: 'x.png', bytes: testPng(1) });
    expect(upload.status).toBe(403);
    expect(upload.body.error?.message).toMatch(/belongs to another user/);
  });

  it('refuses a name that is empty or too long, with a readable sentence', async () => {
    await expect(api(alice).create.mutate({ name: '   ' })).rejects.toThrow(/the name is required/);
    await expect(api(alice).create.mutate({ name: 'x'.repeat(121) })).rejects.toThrow(/the name is at most 120 characters/);
    const id = await filled();
    await expect(saveOver(api(alice), { id, name: 'ok', description: { en: 'a\u0000b', ro: '' } })).rejects.toThrow(/NUL character/);
  });

  it('takes an image checked by its content, serves it to the owner and admins, and refuses what is not one', async () => {
    const id = await filled();
    const png = testPng(31);
    const uploaded = await postFile(imageUrl(id), aliceCookie, { name: 'looks.jpg', bytes: png, type: 'image/jpeg' });
    expect(uploaded.status).toBe(201);
    expect((await api(alice).get.query({ id })).image).toMatchObject({ contentType: 'image/png', byteSize: png.length });
    for (const cookie of [aliceCookie, adminCookie]) expect(await getImage(id, cookie)).toEqual({ status: 200, type: 'image/png', bytes: png });
    expect((await getImage(id, bobCookie)).status).toBe(403);

    const text = await postFile(imageUrl(id), aliceCookie, { name: 'notes.png', bytes: Buffer.from('not an image at all'), type: 'image/png' });
    expect(text).toMatchObject({ status: 415, body: { error: { message: 'notes.png is not a PNG or JPEG image' } } });
    expect((await getImage(id, aliceCookie)).bytes).toEqual(png);
  });

  it('lists and serves each version a job took, with the image it had, which later edits and replacements leave alone', async () => {
    const id = await filled('First name');
    const first = testPng(41);
    await postFile(imageUrl(id), aliceCookie, { name: 'a.png', bytes: first });
    expect(await takeVersion(id)).toMatchObject({ type: jobType, status: 'Completed', result: { version: 1 } });

    await saveOver(api(alice), { id, name: 'Second name', description: { en: 'Changed', ro: 'Schimbat' } });
    const second = testPng(42);
    await postFile(imageUrl(id), aliceCookie, { name: 'b.png', bytes: second });
    expect((await takeVersion(id)).result).toEqual({ version: 2 });
    expect((await api(alice).get.query({ id })).latestVersion).toBe(2);

    expect((await api(alice).versions.query({ id })).map(({ version, name }) => ({ version, name }))).toEqual([
      { version: 2, name: 'Second name' },
      { version: 1, name: 'First name' },
    ]);
    const v1 = await api(admin).versionGet.query({ id, version: 1 });
    expect(v1).toMatchObject({ version: 1, name: 'First name', description, image: { contentType: 'image/png', byteSize: first.length } });
    expect(await getImage(id, aliceCookie, '?version=1')).toMatchObject({ status: 200, bytes: first });
    expect(await getImage(id, aliceCookie)).toMatchObject({ status: 200, bytes: second });

    // Replaced again: v2's image stays (a version shows it), the unversioned third goes when replaced.
    await postFile(imageUrl(id), aliceCookie, { name: 'c.png', bytes: testPng(43) });
    const third = (await stack.database.sql<{ blob: string }[]>`select image_blob_name as blob from ${stack.database.sql(area)} where id = ${id}`)[0].blob;
    await postFile(imageUrl(id), aliceCookie, { name: 'd.png', bytes: testPng(44) });
    expect(await stack.api.blobs.exists('media', third)).toBe(false);
    expect(await getImage(id, aliceCookie, '?version=2')).toMatchObject({ status: 200, bytes: second });
    expect(await getImage(id, aliceCookie, '?version=1')).toMatchObject({ status: 200, bytes: first });

    await expect(api(alice).versionGet.query({ id, version: 9 })).rejects.toThrow(`Version 9 of this ${kind} does not exist`);
    expect((await getImage(id, aliceCookie, '?version=9')).status).toBe(404);
  });
});
