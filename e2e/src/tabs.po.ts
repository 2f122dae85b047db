import { expect, type BrowserContext, type Page } from '@playwright/test';
import { AppShell } from './app-shell.po';

/** What `storylineStream()` answers in a tab's console (see libs/editor/data-access/src/user-stream/stream-diagnostics.ts). */
export interface StreamReport {
  role: 'leader' | 'follower' | 'alone' | null;
  state: 'live' | 'reconnecting' | 'unavailable' | null;
  position: string | null;
  events: Array<{ jobId: string; seq: number; kind: string; position: string }>;
}

/** The user stream as one tab sees it. */
export function streamReport(page: Page): Promise<StreamReport> {
  return page.evaluate(() => (window as unknown as { storylineStream: () => StreamReport }).storylineStream());
}

/** Opens `count` more tabs of the context at `path` and waits until each shows the stream live. */
export async function openTabs(context: BrowserContext, count: number, path = '/stories'): Promise<Page[]> {
  const pages: Page[] = [];
  for (let index = 0; index < count; index += 1) {
    const page = await context.newPage();
    await page.goto(path);
    pages.push(page);
  }
  for (const page of pages) await expect(new AppShell(page).connectionStatus).toHaveText('live');
  return pages;
}

/** The one tab among `pages` that holds the stream; fails unless exactly one does. */
export async function leaderOf(pages: Page[]): Promise<Page> {
  let leaders: Page[] = [];
  await expect(async () => {
    const roles = await Promise.all(pages.map(async (page) => (await streamReport(page)).role));
    leaders = pages.filter((_, index) => roles[index] === 'leader');
    expect(roles.filter((role) => role === 'leader'), `roles: ${roles.join(', ')}`).toHaveLength(1);
  }).toPass({ timeout: 10_000 });
  return leaders[0];
}

/** The sequence numbers of one job's events a tab applied, in the order it applied them. */
export async function appliedSeqs(page: Page, jobId: string): Promise<number[]> {
  return (await streamReport(page)).events.filter((event) => event.jobId === jobId).map((event) => event.seq);
}

/** 1, 2, … `last`: every event of a job followed from its start, each once, in order. */
export function everySeq(last: number, from = 1): number[] {
  return Array.from({ length: last - from + 1 }, (_, index) => from + index);
}
