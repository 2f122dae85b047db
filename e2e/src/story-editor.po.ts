import { expect, type Page } from '@playwright/test';

export class StoryEditorPage {
  constructor(private readonly page: Page) {}

  /** Creates a story from the list page and opens it in the editor. */
  async createStory(title: string): Promise<void> {
    await this.page.getByTestId('nav-stories').click();
    await this.page.getByTestId('new-story-title').fill(title);
    await this.page.getByTestId('create-story').click();
    await expect(this.page.getByTestId('story-title')).toHaveValue(title);
  }

  async writePages(pages: Array<{ en: string; ro: string }>): Promise<void> {
    for (const [index, page] of pages.entries()) {
      if (index > 0) await this.page.getByTestId('add-page').click();
      await this.page.getByTestId(`page-en-${index}`).fill(page.en);
      await this.page.getByTestId(`page-ro-${index}`).fill(page.ro);
    }
  }

  async rename(title: string): Promise<void> {
    await this.page.getByTestId('story-title').fill(title);
  }

  async saveDraft(): Promise<void> {
    await this.page.getByTestId('save-draft').click();
    await expect(this.saveStatus).toHaveText('Saved');
  }

  /** A page's text box in one language. */
  pageText(index: number, language: 'en' | 'ro') {
    return this.page.getByTestId(`page-${language}-${index}`);
  }

  /** Leaves the editor by its "← My stories" link and waits for the list. */
  async backToStories(): Promise<void> {
    await this.page.getByRole('link', { name: '← My stories' }).click();
    await expect(this.page.getByTestId('story-list')).toBeVisible();
  }

  /** Opens a story from the list page by its title. */
  async openFromList(title: string): Promise<void> {
    await this.page.getByTestId('story-item').filter({ hasText: title }).getByRole('link').click();
    await expect(this.page.getByTestId('story-title')).toHaveValue(title);
  }

  /** "Saving…", "Saved", "Unsaved changes" or "Offline — will retry". */
  get saveStatus() {
    return this.page.getByTestId('save-status');
  }

  /** Why the server refused a save, a publish or a fork. */
  get formError() {
    return this.page.getByTestId('form-error');
  }

  publish() {
    return this.page.getByTestId('publish').click();
  }

  get jobStatus() {
    return this.page.getByTestId('job-status');
  }

  get jobTransport() {
    return this.page.getByTestId('job-transport');
  }

  /** Shown while a push job is polled because the job stream is down. */
  get jobFallback() {
    return this.page.getByTestId('job-fallback');
  }

  get publishedVersion() {
    return this.page.getByTestId('published-version');
  }

  get toasts() {
    return this.page.getByTestId('toast');
  }
}
