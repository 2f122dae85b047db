import { expect, type Locator, type Page } from '@playwright/test';
import type { StoryLanguage } from '@storyline/contracts';

const JOB_TIMEOUT = { timeout: 30_000 };

/** A file the test hands to a file input. */
export interface TestFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** Waits until an `<img>` has loaded real pixels. */
export async function expectImageLoaded(image: Locator): Promise<void> {
  await expect(image).toBeVisible(JOB_TIMEOUT);
  await image.scrollIntoViewIfNeeded();
  await expect
    .poll(() => image.evaluate((element: HTMLImageElement) => (element.complete ? element.naturalWidth : 0)), JOB_TIMEOUT)
    .toBeGreaterThan(0);
}

/** Clicks a job card's Download and saves the file under `path`. */
async function downloadTo(page: Page, button: Locator, path: string): Promise<string> {
  await expect(button).toBeEnabled();
  const downloaded = page.waitForEvent('download');
  await button.click();
  const download = await downloaded;
  await download.saveAs(path);
  return path;
}

/** The story editor's images, exports and fork, as the file-job tests use them. */
export class StoryFilesPage {
  constructor(private readonly page: Page) {}

  async open(storyId: string): Promise<void> {
    await this.page.goto(`/stories/${storyId}`);
    await expect(this.page.getByTestId('story-title')).toBeVisible();
  }

  /** Adds an image to a page through its file picker and waits until the page shows it and has saved it. */
  async addImage(pageIndex: number, file: TestFile): Promise<void> {
    await this.page.getByTestId(`page-media-input-${pageIndex}`).setInputFiles(file);
    await expect(this.pageMedia(pageIndex).getByTestId('media-thumbnail')).toHaveCount(1, JOB_TIMEOUT);
    await expect(this.page.getByTestId('save-status')).toHaveText('Saved', JOB_TIMEOUT);
  }

  pageMedia(pageIndex: number): Locator {
    return this.page.getByTestId(`page-media-${pageIndex}`);
  }

  get thumbnails(): Locator {
    return this.page.getByTestId('media-thumbnail');
  }

  pageText(pageIndex: number, language: StoryLanguage): Locator {
    return this.page.getByTestId(`page-${language}-${pageIndex}`);
  }

  // Exports.

  /** Starts a ZIP export of the draft. */
  async exportZip(): Promise<void> {
    await this.page.getByTestId('export-version').selectOption({ label: 'Draft' });
    await this.page.getByTestId('export-zip').click();
  }

  /** Starts a PDF export of the draft in `language`, chosen by its name in the select. */
  async exportPdf(languageName: string): Promise<void> {
    await this.page.getByTestId('export-version').selectOption({ label: 'Draft' });
    await this.page.getByTestId('export-language').selectOption({ label: languageName });
    await this.page.getByTestId('export-pdf').click();
  }

  /** A job card by its test id prefix: `export-zip`, `export-pdf`, `fork`, `fork-assets`, `import`. */
  jobCard(prefix: string): Locator {
    return this.page.getByTestId(`${prefix}-job`);
  }

  async expectJobCompleted(prefix: string, transport: string): Promise<void> {
    const card = this.jobCard(prefix);
    await expect(card.getByTestId('job-transport')).toHaveText(transport, JOB_TIMEOUT);
    await expect(card.getByTestId('job-status')).toHaveText('Completed', JOB_TIMEOUT);
  }

  download(prefix: string, path: string): Promise<string> {
    return downloadTo(this.page, this.page.getByTestId(`${prefix}-download`), path);
  }

  zipDetail(name: 'media-count' | 'language-count' | 'page-count'): Locator {
    return this.page.getByTestId(`export-zip-${name}`);
  }

  pdfDetail(name: 'language' | 'page-count'): Locator {
    return this.page.getByTestId(`export-pdf-${name}`);
  }

  // Forks.

  async fork(): Promise<void> {
    await expect(this.page.getByTestId('fork-story')).toBeEnabled();
    await this.page.getByTestId('fork-story').click();
  }

  get forkedFromLink(): Locator {
    return this.page.getByTestId('fork-origin').getByTestId('forked-from-link');
  }
}

/** The story list's import panel. */
export class StoryImportPanel {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-stories').click();
    await expect(this.page.getByTestId('import-section')).toBeVisible();
  }

  /** Picks a file to import: a path on disk, or bytes made by the test. */
  async importZip(file: string | TestFile): Promise<void> {
    await this.page.getByTestId('import-file').setInputFiles(file);
  }

  get job(): Locator {
    return this.page.getByTestId('import-job');
  }

  get result(): Locator {
    return this.page.getByTestId('import-result');
  }

  async openImported(): Promise<void> {
    await this.page.getByTestId('import-open').click();
    await expect(this.page).toHaveURL(/\/stories\/[^/]+$/);
  }
}
