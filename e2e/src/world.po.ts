import { expect, type Locator, type Page } from '@playwright/test';
import type { WorldKind } from '@storyline/contracts';
import type { TestFile } from './file-jobs.po';

const JOB_TIMEOUT = { timeout: 30_000 };

/** The list and edit pages of regions or heroes, by the `region-*` / `hero-*` test ids. */
export class WorldPage {
  constructor(
    private readonly page: Page,
    private readonly kind: WorldKind,
  ) {}

  private id(name: string): Locator {
    return this.page.getByTestId(`${this.kind}-${name}`);
  }

  /** Opens the list through the header link and creates one named `name`; lands on its edit page. */
  async create(name: string): Promise<void> {
    await this.page.goto('/stories');
    await this.page.getByTestId(`nav-${this.kind === 'region' ? 'regions' : 'heroes'}`).click();
    await this.id('new-name').fill(name);
    await this.id('create').click();
    await expect(this.id('name')).toHaveValue(name);
  }

  async fill(name: string, description: { en: string; ro: string }): Promise<void> {
    await this.id('name').fill(name);
    await this.id('description-en').fill(description.en);
    await this.id('description-ro').fill(description.ro);
    await this.id('save').click();
    await expect(this.id('save-status')).toHaveText('Saved');
  }

  async uploadImage(file: TestFile): Promise<void> {
    await this.id('image-input').setInputFiles(file);
    await expect(this.id('image')).toBeVisible(JOB_TIMEOUT);
  }

  image(): Locator {
    return this.id('image');
  }

  async takeVersion(transport: string): Promise<void> {
    await this.id('version').click();
    const card = this.id('version-job');
    await expect(card.getByTestId('job-transport')).toHaveText(transport, JOB_TIMEOUT);
    await expect(card.getByTestId('job-status')).toHaveText('Completed', JOB_TIMEOUT);
  }

  latestVersion(): Locator {
    return this.id('latest-version');
  }

  versionItem(version: number): Locator {
    return this.page.locator(`[data-testid="${this.kind}-version-item"][data-version="${version}"]`);
  }

  /** The read-only view of the version last opened. */
  versionView(part: 'view' | 'title' | 'name' | 'description-en' | 'description-ro' | 'image'): Locator {
    return this.id(part === 'view' ? 'version-view' : `version-${part}`);
  }
}
