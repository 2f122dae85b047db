import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { upsertUser } from '@storyline/api-router';
import { media, stories, type Db } from '@storyline/db';
import { mediaBlobName } from '@storyline/job-handlers';
import type { BlobStore } from '@storyline/storage';

/** The picture on the first demo story's first page, so the editor shows images from the start. */
const DEMO_PICTURE = new URL('./demo-media/lantern.png', import.meta.url);

/** The demo accounts, printed at start so a newcomer can log in at once. */
export const DEMO_USERS = [
  { username: 'alice', password: 'alice-storyline', role: 'user' },
  { username: 'bob', password: 'bob-storyline', role: 'user' },
  { username: 'admin', password: 'admin-storyline', role: 'admin' },
] as const;

const DEMO_STORIES = [
  {
    owner: 'alice',
    title: 'The Fox and the Lantern',
    picture: true,
    pages: [
      { en: 'A small fox found a lantern at the edge of the forest.', ro: 'O vulpiță a găsit un felinar la marginea pădurii.' },
      { en: 'Every night she carried it a little further.', ro: 'În fiecare noapte l-a dus puțin mai departe.' },
      { en: 'Until the whole forest knew the way home.', ro: 'Până când toată pădurea a știut drumul spre casă.' },
    ],
  },
  {
    owner: 'alice',
    title: 'Maps of the River Kingdom',
    pages: [{ en: 'The river had three names, one for each season it remembered.', ro: 'Râul avea trei nume, câte unul pentru fiecare anotimp.' }],
  },
  {
    owner: 'bob',
    title: 'The Clockmaker’s Apprentice',
    pages: [{ en: 'Tomas wound the tower clock every morning at six.', ro: 'Tomas întorcea ceasul din turn în fiecare dimineață la șase.' }],
  },
];

/**
 * Creates the demo users (resetting their passwords) and, once, their stories (with their
 * picture when `blobs` is given). Answers whether any story was new: a first start.
 */
export async function seedDemoData(db: Db, blobs?: BlobStore): Promise<boolean> {
  let created = false;
  const ids = new Map<string, string>();
  for (const user of DEMO_USERS) ids.set(user.username, (await upsertUser(db, user)).id);
  for (const story of DEMO_STORIES) {
    const ownerId = ids.get(story.owner);
    if (!ownerId) throw new Error(`seed story ${story.title} names an unknown owner`);
    const existing = await db.select({ id: stories.id, title: stories.title }).from(stories).where(eq(stories.ownerId, ownerId));
    if (existing.some((row) => row.title === story.title)) continue;
    const [row] = await db.insert(stories).values({ ownerId, title: story.title, pages: story.pages }).returning({ id: stories.id });
    if ('picture' in story && blobs) await addPicture(db, blobs, row.id, story.pages);
    created = true;
  }
  return created;
}

async function addPicture(db: Db, blobs: BlobStore, storyId: string, pages: { en: string; ro: string }[]): Promise<void> {
  const id = randomUUID();
  const blobName = mediaBlobName(storyId, id);
  const { size } = await stat(DEMO_PICTURE);
  await blobs.upload('media', blobName, createReadStream(DEMO_PICTURE), { contentType: 'image/png' });
  await db.insert(media).values({ id, storyId, blobName, fileName: 'lantern.png', contentType: 'image/png', byteSize: size });
  const withPicture = pages.map((page, index) => ({ ...page, media: index === 0 ? [id] : [] }));
  await db.update(stories).set({ pages: withPicture }).where(eq(stories.id, storyId));
}
