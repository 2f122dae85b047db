import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';
import type { JobStarted, WorldKind } from '@storyline/contracts';
import { testImages } from '@storyline/story-document/testing';
import { EpicPage, waitForJob } from './epics.po';
import { StorylineApi } from './storyline-api';
import { WorldPage } from './world.po';

/** The phone the small-screen checks use: an iPhone 12–15's CSS viewport. */
export const PHONE = { width: 390, height: 844 };
/** The laptop the layout must keep working at. */
export const LAPTOP = { width: 1280, height: 800 };
/** The smallest touch target a finger hits reliably (WCAG 2.5.5, Apple's and Google's guides). */
export const MIN_TARGET_PX = 44;

/** What the editor makes one user-facing page from, and how a test reaches it with something on it to look at. */
export interface ScreenPage {
  name: string;
  /** Who sees the page; `null` for the login page. */
  user: 'alice' | 'admin' | null;
  /** Seeds what the page shows (through the API, on the page's session), goes there and waits for it to show. */
  open: (page: Page) => Promise<void>;
  /** Opens the panel the page shows within itself, if it has one, and answers it once visible. */
  openPanel?: (page: Page) => Promise<Locator>;
}

const PAGE_TEXT = { en: 'The fox lit the lantern and walked into the forest.', ro: 'Vulpea a aprins felinarul și a intrat în pădure.' };

/** A story with two pages and a published version 1, so its editor shows pages, versions and exports; answers it and its publish job. */
async function publishStory(page: Page): Promise<{ storyId: string; jobId: string }> {
  const api = new StorylineApi(page.request);
  const story = await api.createDraftStory('The Fox and the Lantern', [PAGE_TEXT, PAGE_TEXT]);
  const { jobId } = await api.mutate<JobStarted>('stories.publish', { storyId: story.id });
  await waitForJob(page.request, jobId, 'Completed');
  return { storyId: story.id, jobId };
}

/** A story with two pages and a published version 1, so its editor shows pages, versions and exports. */
async function publishedStory(page: Page): Promise<string> {
  return (await publishStory(page)).storyId;
}

/** An epic with a version 1 taken, made through its pages as an author would; lands on its editor. */
async function versionedEpic(page: Page): Promise<void> {
  const epic = new EpicPage(page);
  await epic.create('Forest tales');
  await epic.runJob('version', 'push', 'Completed');
  await expect(page.getByTestId('epic-version-item')).toBeVisible();
}

/** A region or hero, described and with a version 1 taken; lands on its editor. */
async function versionedWorldItem(page: Page, kind: WorldKind, name: string): Promise<void> {
  const item = new WorldPage(page, kind);
  await item.create(name);
  await item.fill(name, { en: 'Tall pines and a narrow path.', ro: 'Pini înalți și o potecă îngustă.' });
  await item.takeVersion('push');
  await expect(item.versionItem(1)).toBeVisible();
}

/** Edits the draft, then asks to open version 1: the question whether to discard the edit. */
async function askToOpenVersion(page: Page): Promise<Locator> {
  await page.getByTestId('page-en-0').fill('A changed first page.');
  await page.getByTestId('open-version-1').click();
  const question = page.getByRole('alertdialog');
  await expect(question).toBeVisible();
  return question;
}

/** Shows an epic's, region's or hero's version 1 read-only. */
async function showVersion(page: Page, kind: 'epic' | WorldKind): Promise<Locator> {
  await page.getByTestId(`${kind}-version-item`).click();
  const view = page.getByTestId(`${kind}-version-view`);
  await expect(view).toBeVisible();
  return view;
}

async function visit(page: Page, path: string, heading: string | RegExp): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
}


/** Every route of the editor (apps/editor's and the features' `*-routes.ts`), each with something on it. */
export const SCREEN_PAGES: readonly ScreenPage[] = [
  { name: 'login', user: null, open: (page) => visit(page, '/login', 'Log in') },
  { name: 'story list', user: 'alice', open: (page) => visit(page, '/stories', 'My stories') },
  {
    name: 'story editor',
    user: 'alice',
    open: async (page) => {
      await page.goto(`/stories/${await publishedStory(page)}`);
      await expect(page.getByTestId('open-version-1')).toBeVisible();
      await page.getByTestId('page-media-input-0').setInputFiles({ name: 'lantern.png', mimeType: 'image/png', buffer: testImages.png({ width: 8, height: 8, seed: 1 }) });
      await expect(page.getByTestId('page-media-0').getByTestId('media-thumbnail')).toHaveCount(1, { timeout: 30_000 });
    },
    openPanel: askToOpenVersion,
  },
  {
    name: 'job page',
    user: 'alice',
    open: async (page) => {
      await page.goto(`/jobs/${(await publishStory(page)).jobId}`);
      await expect(page.getByTestId('job-page-title')).toHaveText('Publication of “The Fox and the Lantern”');
    },
  },
  { name: 'epic list', user: 'alice', open: (page) => visit(page, '/epics', 'My epics') },
  { name: 'epic editor', user: 'alice', open: versionedEpic, openPanel: (page) => showVersion(page, 'epic') },
  { name: 'region list', user: 'alice', open: (page) => visit(page, '/regions', 'My regions') },
  { name: 'region editor', user: 'alice', open: (page) => versionedWorldItem(page, 'region', 'The dark forest'), openPanel: (page) => showVersion(page, 'region') },
  { name: 'hero list', user: 'alice', open: (page) => visit(page, '/heroes', 'My heroes') },
  { name: 'hero editor', user: 'alice', open: (page) => versionedWorldItem(page, 'hero', 'The fox'), openPanel: (page) => showVersion(page, 'hero') },
  { name: 'flags and notice composer', user: 'admin', open: (page) => visit(page, '/admin/flags', 'Job transport flags') },
  { name: 'operations', user: 'admin', open: (page) => visit(page, '/admin/operations', 'Operations') },
];

/** The page of {@link SCREEN_PAGES} named `name`. */
export function screenPage(name: string): ScreenPage {
  const screen = SCREEN_PAGES.find((candidate) => candidate.name === name);
  if (!screen) throw new Error(`no screen page named ${name}`);
  return screen;
}

/**
 * What is wrong with the page's layout on a narrow screen, in words: anything wider than the
 * viewport (the document, or any box that scrolls), and any visible control smaller than
 * {@link MIN_TARGET_PX} either way (a checkbox or radio counts by its label, which is what a finger hits).
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate((minTarget) => {
    const problems: string[] = [];
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}${element.getAttribute('data-testid') ? `[data-testid=${element.getAttribute('data-testid')}]` : ''} "${(element.textContent ?? '').trim().slice(0, 30) || element.getAttribute('aria-label') || ''}"`;
    const scrollers = [document.documentElement, ...Array.from(document.querySelectorAll('body *')).filter((element) => ['auto', 'scroll'].includes(getComputedStyle(element).overflowX))];
    for (const scroller of scrollers) {
      if (scroller.scrollWidth > scroller.clientWidth) problems.push(`${describe(scroller).slice(0, 60)} is ${scroller.scrollWidth}px wide in ${scroller.clientWidth}px`);
    }
    for (const control of Array.from(document.querySelectorAll('a[href], button, input, select, textarea, [role="button"]'))) {
      const target = control instanceof HTMLInputElement && ['checkbox', 'radio'].includes(control.type) ? (control.closest('label') ?? control) : control;
      const box = target.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(control).visibility === 'hidden') continue;
      if (box.width < minTarget || box.height < minTarget) problems.push(`${describe(control)} is ${Math.round(box.width)}×${Math.round(box.height)}px`);
    }
    return problems;
  }, MIN_TARGET_PX);
}

/**
 * Every visible control or error text a toast covers, in words. Only the part of an element the
 * user can see counts: the part inside the viewport and inside every box around it that clips.
 */
export function controlsUnderToasts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    type Box = { left: number; top: number; right: number; bottom: number };
    const intersect = (a: Box, b: Box): Box => ({ left: Math.max(a.left, b.left), top: Math.max(a.top, b.top), right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom) });
    const isEmpty = (box: Box) => box.right <= box.left || box.bottom <= box.top;
    const visiblePart = (element: Element): Box => {
      let box: Box = intersect(element.getBoundingClientRect(), { left: 0, top: 0, right: innerWidth, bottom: innerHeight });
      for (let parent = element.parentElement; parent && parent !== document.documentElement; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') box = intersect(box, parent.getBoundingClientRect());
      }
      return box;
    };
    const toasts = Array.from(document.querySelectorAll('[data-testid="toast"], [data-testid="notice-toast"]'));
    const covered: string[] = [];
    for (const element of Array.from(document.querySelectorAll('a[href], button, input, select, textarea, .error, [role="alert"]'))) {
      if (toasts.some((toast) => toast.contains(element)) || getComputedStyle(element).visibility === 'hidden') continue;
      const seen = visiblePart(element);
      if (isEmpty(seen)) continue;
      for (const toast of toasts) {
        if (!isEmpty(intersect(seen, toast.getBoundingClientRect()))) covered.push(`"${(toast.textContent ?? '').trim().slice(0, 30)}" covers ${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 30)}"`);
      }
    }
    return covered;
  });
}

/** axe-core's serious and critical violations on the page as it stands, one line each with the elements at fault. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
