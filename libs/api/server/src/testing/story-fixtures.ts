import type { createTRPCClient } from '@trpc/client';
import type { StoryPage, StoryPageInput } from '@storyline/contracts';
import type { AppRouter } from '@storyline/api-router';

type Client = ReturnType<typeof createTRPCClient<AppRouter>>;
type SaveDraftRequest = Parameters<Client['stories']['saveDraft']['mutate']>[0];

/** `count` pages with text in both languages, each publishable. */
export function storyPages(count: number): StoryPage[] {
  return Array.from({ length: count }, (_, index) => ({ en: `page ${index + 1}`, ro: `pagina ${index + 1}`, media: [] }));
}

/** Creates a story and saves `pages` (a count, or the pages themselves) as its draft; returns its id. */
export async function draftStory(client: Client, pages: number | StoryPageInput[] = 1, title = 'A test story'): Promise<string> {
  const story = await client.stories.create.mutate({ title });
  await client.stories.saveDraft.mutate({ storyId: story.id, title, pages: typeof pages === 'number' ? storyPages(pages) : pages, revision: story.revision });
  return story.id;
}

/** Saves `draft` over whatever the story's draft holds now, as an editor that has just loaded it would: it reads the revision first. */
export async function saveDraftOver(client: Client, draft: Omit<SaveDraftRequest, 'revision'>) {
  const { revision } = await client.stories.get.query({ storyId: draft.storyId });
  return client.stories.saveDraft.mutate({ ...draft, revision });
}

/** Drafts a new story with `pages` pages and starts publishing it. */
export async function publishNewStory(client: Client, pages = 1): Promise<{ storyId: string; jobId: string }> {
  const storyId = await draftStory(client, pages);
  const { jobId } = await client.stories.publish.mutate({ storyId });
  return { storyId, jobId };
}
