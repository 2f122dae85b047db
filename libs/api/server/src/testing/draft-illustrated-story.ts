import { expect } from 'vitest';
import type { StoryPageInput } from '@storyline/contracts';
import { draftStory, saveDraftOver } from './story-fixtures';
import { postFile } from './test-images';
import type { TestClient, TestStack } from './test-stack';

/** A page to draft: its text in both languages and the images it shows, as bytes to upload. */
export interface IllustratedPage {
  en: string;
  ro: string;
  images?: Buffer[];
}

/**
 * Drafts a story of these pages through the real API, each image uploaded with
 * `POST /files/media`; returns the story's id and the bytes of each image by media id.
 */
export async function draftIllustratedStory(
  stack: TestStack,
  owner: { client: TestClient; cookie: string },
  title: string,
  pages: IllustratedPage[],
): Promise<{ storyId: string; images: Map<string, Buffer> }> {
  const storyId = await draftStory(owner.client, 1, title);
  const images = new Map<string, Buffer>();
  const drafted: StoryPageInput[] = [];
  for (const [index, page] of pages.entries()) {
    const media: string[] = [];
    for (const [at, bytes] of (page.images ?? []).entries()) {
      const answer = await postFile(`${stack.baseUrl}/files/media?storyId=${storyId}`, owner.cookie, { name: `page-${index + 1}-${at + 1}.png`, bytes });
      expect(answer.status).toBe(201);
      images.set(answer.body.media!.id, bytes);
      media.push(answer.body.media!.id);
    }
    drafted.push({ en: page.en, ro: page.ro, media });
  }
  await saveDraftOver(owner.client, { storyId, title, pages: drafted });
  return { storyId, images };
}
