import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { StoryPageInput } from '@storyline/contracts';
import { media, stories } from '@storyline/db';
import { testImages } from '@storyline/story-document/testing';
import { mediaBlobName } from '../file-job-services';
import type { HandlerStack } from './start-handler-stack';

/** A page to write: its text in both languages and the images it shows, as bytes. */
export interface FixturePage {
  en: string;
  ro: string;
  images?: Buffer[];
}

/** A real `size`×`size` RGB PNG whose pixels depend on `seed`, so two images differ byte for byte. */
export function testPng(seed = 1, size = 4): Buffer {
  return testImages.png({ width: size, height: size, seed });
}

/**
 * A draft story of the stack's owner, as the editor leaves one: its images stored in the
 * media container and recorded `ready`. Answers its id and each image's bytes by media id.
 */
export async function insertStory(stack: HandlerStack, title: string, pages: FixturePage[]): Promise<{ storyId: string; images: Map<string, Buffer> }> {
  const storyId = randomUUID();
  await stack.database.db.insert(stories).values({ id: storyId, ownerId: stack.ownerId, title });
  const images = new Map<string, Buffer>();
  const drafted: StoryPageInput[] = [];
  for (const [index, page] of pages.entries()) {
    const ids: string[] = [];
    for (const [at, bytes] of (page.images ?? []).entries()) {
      const id = randomUUID();
      const blobName = mediaBlobName(storyId, id);
      await stack.services.blobs.upload('media', blobName, Readable.from([bytes]), { contentType: 'image/png' });
      await stack.database.db.insert(media).values({ id, storyId, blobName, fileName: `page-${index + 1}-${at + 1}.png`, contentType: 'image/png', byteSize: bytes.length });
      images.set(id, bytes);
      ids.push(id);
    }
    drafted.push({ en: page.en, ro: page.ro, media: ids });
  }
  await saveDraft(stack, storyId, title, drafted);
  return { storyId, images };
}

/** Saves `pages` as the story's draft, as the editor's autosave does. */
export async function saveDraft(stack: HandlerStack, storyId: string, title: string, pages: StoryPageInput[]): Promise<void> {
  await stack.database.db.update(stories).set({ title, pages, updatedAt: new Date() }).where(eq(stories.id, storyId));
}

/**
 * Records the draft as it stands as published version `version`, the draft based on it, as
 * a completed publish job leaves them (without rendering pages: the tests of other job types need the row only).
 */
export async function insertPublishedVersion(stack: HandlerStack, storyId: string, version: number): Promise<void> {
  const sql = stack.database.sql;
  await sql`insert into story_versions (story_id, version, title, pages) select id, ${version}, title, pages from stories where id = ${storyId}`;
  await sql`update stories set published_version = ${version}, base_version = ${version} where id = ${storyId}`;
}

/** The story row as it stands, draft and versions. */
export async function readStory(stack: HandlerStack, storyId: string): Promise<typeof stories.$inferSelect> {
  const [row] = await stack.database.db.select().from(stories).where(eq(stories.id, storyId));
  return row;
}
