import { expect, type Page } from '@playwright/test';

const JOB_TIMEOUT = { timeout: 30_000 };

/** The editor's Versions section and the parts of the editor a version job changes. */
export class StoryVersionsPanel {
  constructor(private readonly page: Page) {}

  get section() {
    return this.page.getByTestId('versions-section');
  }

  get baseVersion() {
    return this.page.getByTestId('base-version');
  }

  get job() {
    return this.page.getByTestId('version-job');
  }

  get confirmDiscard() {
    return this.page.getByTestId('confirm-discard');
  }

  openVersion(version: number) {
    return this.page.getByTestId(`open-version-${version}`).click();
  }

  /** Publishes the saved draft and waits for the version number to show. */
  async publishAs(version: number): Promise<void> {
    await this.page.getByTestId('publish').click();
    await expect(this.page.getByTestId('publish-job').getByTestId('job-status')).toHaveText('Completed', JOB_TIMEOUT);
    await expect(this.page.getByTestId('published-version')).toHaveText(`version ${version}`);
    await expect(this.page.getByTestId(`open-version-${version}`)).toBeVisible();
  }

  async expectOpened(): Promise<void> {
    await expect(this.job.getByTestId('job-status')).toHaveText('Completed', JOB_TIMEOUT);
  }
}
