import { expect, type APIRequestContext } from '@playwright/test';
import type { JobStarted, JobTypeFlag, JobView, StoryDetail, StoryPageInput } from '@storyline/contracts';

/**
 * The API as a test drives it over plain HTTP: tRPC procedures are `POST /trpc/<path>`
 * with the input as the JSON body (queries: `GET ?input=`), answering `{ result: { data } }`.
 * Built on a page's `request`, it shares that page's session cookie.
 */
export class StorylineApi {
  constructor(private readonly request: APIRequestContext) {}

  /** Opens a session; later calls through the same request context carry its cookie. */
  async login(username: string, password: string): Promise<void> {
    await this.mutate('auth.login', { username, password });
  }

  /** Creates a story with `pages`, saves it and starts publishing it. */
  async publishNewStory(title: string, pages: StoryPageInput[]): Promise<JobStarted> {
    const story = await this.mutate<StoryDetail>('stories.create', { title });
    await this.mutate('stories.saveDraft', { storyId: story.id, title, pages, revision: story.revision });
    return this.mutate<JobStarted>('stories.publish', { storyId: story.id });
  }

  /** Creates a story and saves `pages` as its draft; answers the story as created. */
  async createDraftStory(title: string, pages: StoryPageInput[]): Promise<StoryDetail> {
    const story = await this.mutate<StoryDetail>('stories.create', { title });
    await this.mutate('stories.saveDraft', { storyId: story.id, title, pages, revision: story.revision });
    return story;
  }

  /** Every job type's transport flag. */
  listFlags(): Promise<JobTypeFlag[]> {
    return this.query<JobTypeFlag[]>('flags.list');
  }

  /** Changes one flag (admins only). */
  async setFlag(flag: JobTypeFlag): Promise<void> {
    await this.mutate('flags.set', flag);
  }

  /** The value of one Prometheus sample, e.g. `storyline_active_streams{stream="feed"}`; null when absent. */
  async metric(sample: string): Promise<number | null> {
    const response = await this.request.get('/metrics');
    expect(response.ok()).toBe(true);
    const line = (await response.text()).split('\n').find((candidate) => candidate.startsWith(`${sample} `));
    return line === undefined ? null : Number(line.slice(sample.length + 1));
  }

  /** Calls a mutation and answers its data; any error fails the test with the server's answer. */
  async mutate<T = unknown>(path: string, input?: unknown): Promise<T> {
    const response = await this.request.post(`/trpc/${path}`, { data: input ?? {} });
    expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
    return ((await response.json()) as { result: { data: T } }).result.data;
  }

  /** One job as `jobs.get` answers it. */
  async job(jobId: string): Promise<JobView> {
    const response = await this.request.get(`/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ jobId }))}`);
    expect(response.ok(), `jobs.get: ${await response.text()}`).toBe(true);
    return ((await response.json()) as { result: { data: JobView } }).result.data;
  }

  /** Calls a query without input and answers its data. */
  async query<T = unknown>(path: string): Promise<T> {
    const response = await this.request.get(`/trpc/${path}`);
    expect(response.ok(), `${path}: ${await response.text()}`).toBe(true);
    return ((await response.json()) as { result: { data: T } }).result.data;
  }
}
