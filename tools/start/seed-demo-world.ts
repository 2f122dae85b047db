import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { epicItems, epics, heroes, regions, stories, users, type Db } from '@storyline/db';
import type { BlobStore } from '@storyline/storage';

/** The lantern picture doubles as the forest's image. */
const DEMO_PICTURE = new URL('./demo-media/lantern.png', import.meta.url);

/**
 * alice's story world on a first start: a region with its image, a hero, and an epic
 * that holds her two stories, the region and the hero, in that order.
 */
export async function seedDemoWorld(db: Db, blobs: BlobStore): Promise<void> {
  const [alice] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'alice'));
  if (!alice) return;
  const forestId = randomUUID();
  // Where the region image route keeps a region's images: `regions/<id>/<uuid>`.
  const imageBlobName = `regions/${forestId}/${randomUUID()}`;
  await blobs.upload('media', imageBlobName, createReadStream(DEMO_PICTURE), { contentType: 'image/png' });
  const [forest] = await db
    .insert(regions)
    .values({
      id: forestId,
      ownerId: alice.id,
      name: 'The Lantern Forest',
      description: { en: 'Old pines, a hidden path, and one light that moves at night.', ro: 'Pini bătrâni, o cărare ascunsă și o lumină care se mișcă noaptea.' },
      imageBlobName,
      imageContentType: 'image/png',
      imageByteSize: (await stat(DEMO_PICTURE)).size,
    })
    .returning({ id: regions.id });
  const [fox] = await db
    .insert(heroes)
    .values({
      ownerId: alice.id,
      name: 'Vulpița',
      description: { en: 'A small fox who is never without her lantern.', ro: 'O vulpiță care nu se desparte niciodată de felinarul ei.' },
    })
    .returning({ id: heroes.id });
  const owned = await db.select({ id: stories.id, title: stories.title }).from(stories).where(eq(stories.ownerId, alice.id));
  const story = (title: string) => owned.find((row) => row.title === title)?.id;
  const members = [
    { kind: 'story' as const, itemId: story('The Fox and the Lantern') },
    { kind: 'story' as const, itemId: story('Maps of the River Kingdom') },
    { kind: 'region' as const, itemId: forest.id },
    { kind: 'hero' as const, itemId: fox.id },
  ].filter((member): member is { kind: 'story' | 'region' | 'hero'; itemId: string } => member.itemId !== undefined);
  const [epic] = await db
    .insert(epics)
    .values({
      ownerId: alice.id,
      name: 'Tales of the Lantern Forest',
      description: { en: 'Everything that happens between the forest and the river.', ro: 'Tot ce se întâmplă între pădure și râu.' },
    })
    .returning({ id: epics.id });
  await db.insert(epicItems).values(members.map((member, position) => ({ epicId: epic.id, position, ...member })));
}
