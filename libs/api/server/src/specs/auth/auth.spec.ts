import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createApi, type Api } from '../../http/create-api';
import { log, startTestStack, type TestStack } from '../../testing/test-stack';
import type { AppRouter } from '@storyline/api-router';

const LOCKED = 'Too many failed logins. Try again in 15 minutes.';

let stack: TestStack;
/** The same API behind a proxy: it takes the client's address from X-Forwarded-For. */
let proxied: { api: Api; baseUrl: string };

beforeAll(async () => {
  stack = await startTestStack();
  const api = await createApi({ databaseUrl: stack.database.url, storageConnectionString: inject('storageConnectionString'), log, trustProxy: true });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  proxied = { api, baseUrl: `http://127.0.0.1:${(api.server.address() as AddressInfo).port}` };
});
afterEach(() => stack.database.sql`delete from login_failures; delete from login_devices`.simple());
afterAll(async () => {
  await proxied?.api.close();
  await stack?.close();
});

interface LoginResponse {
  status: number;
  retryAfter: string | null;
  error?: { message: string; code: string };
  /** The storyline_device cookie the answer set, whole (attributes too). */
  deviceCookie?: string;
}

interface From {
  /** Sent as X-Forwarded-For (the proxied API believes it). */
  address?: string;
  /** The storyline_device token this browser holds. */
  device?: string;
}

/** One login over HTTP, as the browser sends it. */
async function login(baseUrl: string, username: string, password: string, from: From = {}): Promise<LoginResponse> {
  const response = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(from.address ? { 'x-forwarded-for': from.address } : {}),
      ...(from.device ? { cookie: `storyline_device=${from.device}` } : {}),
    },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { error?: { message: string; data: { code: string } } };
  const deviceCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('storyline_device='));
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    ...(body.error ? { error: { message: body.error.message, code: body.error.data.code } } : {}),
    ...(deviceCookie ? { deviceCookie } : {}),
  };
}

const wrongFrom = (username: string, address: string, device?: string) => login(proxied.baseUrl, username, 'wrong-pw', { address, device });
const rightFrom = (username: string, address: string, device?: string) => login(proxied.baseUrl, username, `${username}-pw`, { address, device });

/** The device token a login answer's storyline_device cookie holds. */
const deviceTokenOf = (answer: LoginResponse) => /^storyline_device=([^;]+)/.exec(answer.deviceCookie ?? '')?.[1];

/** Logs in once from `address` and answers the device token the browser was given. */
async function knownBrowser(username: string, address: string): Promise<string> {
  const answer = await rightFrom(username, address);
  expect(answer.status).toBe(200);
  const token = deviceTokenOf(answer);
  if (!token) throw new Error(`no device cookie in ${JSON.stringify(answer)}`);
  return token;
}

async function statuses(count: number, next: (index: number) => Promise<LoginResponse>): Promise<number[]> {
  const answers: number[] = [];
  for (let index = 0; index < count; index += 1) answers.push((await next(index)).status);
  return answers;
}

describe('throttled logins', () => {
  it('stops one address guessing an account after 5 failures with 429 and Retry-After, even for the right password', async () => {
    expect(await statuses(5, () => wrongFrom('alice', '203.0.113.1'))).toEqual(Array(5).fill(401));

    const sixth = await rightFrom('alice', '203.0.113.1');
    expect(sixth).toMatchObject({ status: 429, error: { code: 'TOO_MANY_REQUESTS', message: LOCKED } });
    expect(Number(sixth.retryAfter)).toBeGreaterThan(0);
    expect(Number(sixth.retryAfter)).toBeLessThanOrEqual(900);
  });

  it('does not lock the account out anywhere else: alice logs in from another address, even in a new browser', async () => {
    await statuses(5, () => wrongFrom('alice', '203.0.113.2'));
    expect((await rightFrom('alice', '203.0.113.2')).status).toBe(429);
    expect((await rightFrom('alice', '203.0.113.3')).status).toBe(200);
  });

  it('lets a browser that logged in before keep logging in while a stranger at its own address guesses', async () => {
    const alicesBrowser = await knownBrowser('alice', '198.51.100.1');
    // The office NAT: the stranger is behind the same address.
    await statuses(6, () => wrongFrom('alice', '198.51.100.1'));
    expect((await rightFrom('alice', '198.51.100.1')).status).toBe(429);
    expect((await rightFrom('alice', '198.51.100.1', alicesBrowser)).status).toBe(200);
  });

  it('does not lock the users behind one address when some of them fail: 5 failures there leave bob free', async () => {
    for (const username of ['alice', 'admin', 'nobody', 'carol', 'dave']) expect((await wrongFrom(username, '198.51.100.7')).status).toBe(401);
    expect((await rightFrom('bob', '198.51.100.7')).status).toBe(200);
  });

  it('slows an address trying many accounts (credential stuffing) after 100 failures, except for its known browsers', async () => {
    const bobsBrowser = await knownBrowser('bob', '198.51.100.8');
    const answers = await statuses(100, (i) => wrongFrom(`user-${i}`, '198.51.100.8'));
    expect(answers).toEqual(Array(100).fill(401));
    expect((await wrongFrom('user-x', '198.51.100.8')).status).toBe(429);
    expect((await rightFrom('alice', '198.51.100.8')).status).toBe(429);
    expect((await rightFrom('bob', '198.51.100.8', bobsBrowser)).status).toBe(200);
    expect((await rightFrom('alice', '198.51.100.9')).status).toBe(200);
  });

  it('slows guessing spread over many addresses after 20 failures, without locking the owner out', async () => {
    const alicesBrowser = await knownBrowser('alice', '192.0.2.200');
    const answers = await statuses(21, (i) => wrongFrom('alice', `192.0.2.${i + 1}`));
    expect(answers).toEqual(Array(21).fill(401));
    // The 21st made the next unknown browser wait 1 s (then 2, 4 … up to a minute).
    const waiting = await rightFrom('alice', '192.0.2.100');
    expect(waiting).toMatchObject({ status: 429, retryAfter: '1', error: { message: 'Too many failed logins. Try again in 1 second.' } });
    expect((await rightFrom('alice', '192.0.2.101', alicesBrowser)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await rightFrom('alice', '192.0.2.100')).status).toBe(200);
  });

  it('counts a known browser on its own, and after its 5th failure as any other browser', async () => {
    const alicesBrowser = await knownBrowser('alice', '198.51.100.30');
    // 5 failures lock the device; the next 5 count against its address like any browser's.
    expect(await statuses(10, () => wrongFrom('alice', '198.51.100.30', alicesBrowser))).toEqual(Array(10).fill(401));
    expect((await rightFrom('alice', '198.51.100.30', alicesBrowser)).status).toBe(429);
    expect((await rightFrom('alice', '198.51.100.31', alicesBrowser)).status).toBe(200);
  });

  it('trusts a device cookie only for the accounts that browser logged in to', async () => {
    const bobsBrowser = await knownBrowser('bob', '198.51.100.40');
    await statuses(5, () => wrongFrom('alice', '198.51.100.40', bobsBrowser));
    expect((await rightFrom('alice', '198.51.100.40', bobsBrowser)).status).toBe(429);
  });

  it('sets a new device cookie at every login, HttpOnly and for a year, whatever the browser brought', async () => {
    for (const brought of [undefined, 'not a token; <script>', 'A'.repeat(43)]) {
      const answer = await rightFrom('alice', '198.51.100.50', brought);
      expect(answer.status).toBe(200);
      expect(answer.deviceCookie).toMatch(/^storyline_device=[A-Za-z0-9_-]{43}; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(answer.deviceCookie).not.toContain(`=${brought};`);
    }
  });

  it('sends the session cookie first, for clients that keep only the first Set-Cookie', async () => {
    const response = await fetch(`${proxied.baseUrl}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.51' },
      body: JSON.stringify({ username: 'alice', password: 'alice-pw' }),
    });
    expect(response.headers.getSetCookie().map((cookie) => cookie.split('=')[0])).toEqual(['storyline_session', 'storyline_device']);
  });

  it('gives nothing to a device token planted in the browser before its owner logged in', async () => {
    const planted = 'P'.repeat(43);
    const alicesBrowser = deviceTokenOf(await rightFrom('alice', '198.51.100.52', planted));
    // The planter guesses with the token it planted: an unknown browser, so only its own pair locks.
    expect(await statuses(6, () => wrongFrom('alice', '198.51.100.53', planted))).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await rightFrom('alice', '198.51.100.53', alicesBrowser)).status).toBe(200);
    expect((await rightFrom('alice', '198.51.100.53', planted)).status).toBe(429);
  });

  it('keeps a browser known for every account it logged in to, through the new token of each login', async () => {
    const first = await knownBrowser('alice', '198.51.100.60');
    const asBob = await rightFrom('bob', '198.51.100.60', first);
    const browser = deviceTokenOf(asBob);
    expect(browser).toBeDefined();
    expect(browser).not.toBe(first);
    await statuses(6, () => wrongFrom('alice', '198.51.100.60'));
    await statuses(6, () => wrongFrom('bob', '198.51.100.60'));
    expect((await rightFrom('alice', '198.51.100.60', browser)).status).toBe(200);
    expect((await rightFrom('bob', '198.51.100.60', first)).status).toBe(429);
  });

  it('throttles logins in the API createApi builds, with its defaults', async () => {
    for (let i = 0; i < 5; i += 1) expect((await login(stack.baseUrl, 'bob', 'wrong-pw')).status).toBe(401);
    const sixth = await login(stack.baseUrl, 'bob', 'bob-pw');
    expect(sixth).toMatchObject({ status: 429, error: { message: LOCKED } });
    expect(Number(sixth.retryAfter)).toBeGreaterThan(0);
  });

  it('ignores X-Forwarded-For unless told to trust a proxy, so a client cannot pick its address', async () => {
    for (let i = 1; i <= 5; i += 1) {
      expect((await login(stack.baseUrl, 'alice', 'wrong-pw', { address: `192.0.2.${i}` })).status).toBe(401);
    }
    expect((await login(stack.baseUrl, 'alice', 'alice-pw', { address: '192.0.2.99' })).status).toBe(429);
  });

  it('answers an unknown user exactly as a wrong password, before and after the lock', async () => {
    const unknown: LoginResponse[] = [];
    const wrongPassword: LoginResponse[] = [];
    for (let i = 1; i <= 6; i += 1) {
      unknown.push(await wrongFrom('mallory', '203.0.113.11'));
      wrongPassword.push(await wrongFrom('alice', '203.0.113.21'));
    }
    // Retry-After may differ by the second that passed between the two; that it is there may not.
    const same = (answers: LoginResponse[]) => answers.map((answer) => ({ ...answer, retryAfter: answer.retryAfter !== null }));
    expect(same(unknown)).toEqual(same(wrongPassword));
    expect(unknown[0]).toEqual({ status: 401, retryAfter: null, error: { code: 'UNAUTHORIZED', message: 'Wrong username or password' } });
    expect(unknown[5]).toMatchObject({ status: 429, error: { code: 'TOO_MANY_REQUESTS', message: LOCKED } });
  });

  it('lets only 5 of 20 simultaneous wrong passwords from one address be checked and refuses the rest', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => wrongFrom('alice', '203.0.113.100')));
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(5);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(15);
  });

  it("gives the editor's tRPC client the lock as a sentence to show", async () => {
    for (let i = 0; i < 5; i += 1) await wrongFrom('alice', '198.51.100.20');
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${proxied.baseUrl}/trpc`, headers: { 'x-forwarded-for': '198.51.100.20' } })],
    });

    const error = await client.auth.login.mutate({ username: 'alice', password: 'alice-pw' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).message).toBe(LOCKED);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
  });
});
