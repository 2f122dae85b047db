import type { Browser, Page } from '@playwright/test';
import type { BenchStack } from './bench-stack';

/** How the leading tab goes away: closed by the user, its page crashed, or its script stopped (frozen, hung). */
export type TakeoverWay = 'closed' | 'crashed' | 'stopped';

/** Tabs a takeover round opens: the leader and two that may take over. */
const TABS = 3;
/** Beyond this a takeover counts as failed and the section fails. */
const TAKEOVER_LIMIT_MS = 15_000;

/**
 * How long, from the moment the leading tab goes `way`, until another tab of the same
 * browser leads and its stream is live, `runs` times; each run in a fresh context as a
 * fresh user with three tabs open. Timed in the pages (`storylineStream()`, polled every
 * 10 ms) against the same machine clock as the moment the bench acted. Null for an
 * editor whose tabs each hold their own stream.
 */
export async function measureTakeover(stack: BenchStack, browser: Browser, way: TakeoverWay, runs: number): Promise<number[] | null> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const [user] = await stack.createUsers(1, `takeover-${way}-${run}-${Date.now()}-`);
    const context = await browser.newContext();
    try {
      const [name, value] = user.cookie.split('=');
      await context.addCookies([{ name, value, url: stack.api.baseUrl }]);
      const pages: Page[] = [];
      for (let index = 0; index < TABS; index += 1) {
        const page = await context.newPage();
        await page.goto(`${stack.api.baseUrl}/`);
        await page.getByTestId('connection-status').filter({ hasText: 'live' }).waitFor({ timeout: TAKEOVER_LIMIT_MS });
        pages.push(page);
      }
      const roles = await Promise.all(pages.map((page) => page.evaluate(readRole)));
      // An editor whose tabs each hold their own stream has nothing to take over.
      if (roles.every((role) => role === null || role === 'alone')) return null;
      const leader = pages[roles.indexOf('leader')];
      if (!leader) throw new Error(`no tab leads (roles: ${roles.join(', ')})`);
      const others = pages.filter((page) => page !== leader);
      await Promise.all(others.map((page) => page.evaluate(watchForLead)));
      const actedAt = Date.now();
      await goAway(leader, way);
      const ledAt = await Promise.race(others.map((page) => page.waitForFunction(leadingSince, undefined, { timeout: TAKEOVER_LIMIT_MS, polling: 20 }).then((handle) => handle.jsonValue())));
      times.push((ledAt as number) - actedAt);
    } finally {
      await context.close();
    }
  }
  return times;
}

async function goAway(leader: Page, way: TakeoverWay): Promise<void> {
  if (way === 'closed') return leader.close();
  const cdp = await leader.context().newCDPSession(leader);
  if (way === 'crashed') {
    const crashed = leader.waitForEvent('crash');
    // The page dies before it can answer.
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    return;
  }
  await cdp.send('Debugger.enable');
  await cdp.send('Debugger.pause');
}

/** Runs in the page. No named helpers inside: tsx keeps names by wrapping them in a `__name` the page lacks. */
function readRole(): string | null {
  return (window as unknown as { storylineStream?: () => { role: string | null } }).storylineStream?.().role ?? null;
}

/** Runs in the page: from now on, notes the first moment this tab leads with its stream live. */
function watchForLead(): void {
  const target = window as unknown as { storylineStream: () => { role: string | null; state: string | null }; ledAt?: number };
  const timer = setInterval(() => {
    const report = target.storylineStream();
    if (report.role === 'leader' && report.state === 'live') {
      target.ledAt = Date.now();
      clearInterval(timer);
    }
  }, 10);
}

/** Runs in the page: when it began to lead, once it does. */
function leadingSince(): number | undefined {
  return (window as unknown as { ledAt?: number }).ledAt;
}
