import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import type { JobView } from '@storyline/contracts';

const JOB_TIMEOUT = { timeout: 30_000 };

/** The epic list and edit pages, by the `epic-*` test ids. */
export class EpicPage {
  constructor(private readonly page: Page) {}

  private id(name: string): Locator {
    return this.page.getByTestId(`epic-${name}`);
  }

  /** Opens the list through the header link and creates one named `name`; lands on its edit page. */
  async create(name: string): Promise<void> {
    await this.page.goto('/stories');
    await this.page.getByTestId('nav-epics').click();
    await this.id('new-name').fill(name);
    await this.id('create').click();
    await expect(this.id('name')).toHaveValue(name);
  }

  async describe(description: { en: string; ro: string }): Promise<void> {
    await this.id('description-en').fill(description.en);
    await this.id('description-ro').fill(description.ro);
  }

  /** Adds the item whose picker label ends with `name` ("Story · Tale A"). */
  async add(label: string): Promise<void> {
    await this.id('add-select').selectOption({ label });
    await this.id('add').click();
  }

  items(): Locator {
    return this.id('item-name');
  }

  item(index: number): Locator {
    return this.id('item').nth(index);
  }

  async save(): Promise<void> {
    await this.id('save').click();
    await expect(this.id('save-status')).toHaveText('Saved');
  }

  /** Clicks Publish or Take version and waits for its job to end with `status`, updated by `transport`. */
  async runJob(action: 'publish' | 'version', transport: string, status: 'Completed' | 'Failed'): Promise<Locator> {
    await this.id(action).click();
    const card = this.id(`${action}-job`);
    await expect(card.getByTestId('job-transport')).toHaveText(transport, JOB_TIMEOUT);
    await expect(card.getByTestId('job-status')).toHaveText(status, JOB_TIMEOUT);
    return card;
  }

  publishedVersion(): Locator {
    return this.id('published-version');
  }

  versionItem(version: number): Locator {
    return this.page.locator(`[data-testid="epic-version-item"][data-version="${version}"]`);
  }

  /** The read-only view of the version last opened. */
  versionView(part: 'title' | 'name' | 'description-en' | 'member'): Locator {
    return this.id(`version-${part}`);
  }
}

/** Waits for a job to end, through the API on the page's session. */
export async function waitForJob(request: APIRequestContext, jobId: string, status: JobView['status']): Promise<void> {
  await expect
    .poll(async () => {
      const response = await request.get(`/trpc/jobs.get?input=${encodeURIComponent(JSON.stringify({ jobId }))}`);
      return ((await response.json()) as { result?: { data: JobView } }).result?.data.status;
    }, JOB_TIMEOUT)
    .toBe(status);
}
