import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { createApi, type Api } from '../server/create-api';
import { log, startTestStack, type TestStack } from '../testing/test-stack';
import type { AppRouter } from './_app';

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
afterEach(() => stack.database.sql`delete from login_failures`);
afterAll(async () => {
  await proxied?.api.close();
  await stack?.close();
});

interface LoginResponse {
  status: number;
  retryAfter: string | null;
  error?: { message: string; code: string };
}

/** One login over HTTP, as the browser sends it, optionally through the proxy from `forwardedFor`. */
async function login(baseUrl: string, username: string, password: string, forwardedFor?: string): Promise<LoginResponse> {
  const response = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { error?: { message: string; data: { code: string } } };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    ...(body.error ? { error: { message: body.error.message, code: body.error.data.code } } : {}),
  };
}

const wrongFrom = (username: string, address: string) => login(proxied.baseUrl, username, 'wrong-pw', address);

describe('throttled logins', () => {
  it('refuses the 6th attempt on an account with 429 and Retry-After, even with the right password', async () => {
    for (let i = 1; i <= 5; i += 1) expect((await wrongFrom('alice', `203.0.113.${i}`)).status).toBe(401);

    const sixth = await login(proxied.baseUrl, 'alice', 'alice-pw', '203.0.113.6');
    expect(sixth).toMatchObject({ status: 429, error: { code: 'TOO_MANY_REQUESTS', message: LOCKED } });
    expect(Number(sixth.retryAfter)).toBeGreaterThan(0);
    expect(Number(sixth.retryAfter)).toBeLessThanOrEqual(900);
  });

  it('throttles logins in the API createApi builds, with its defaults', async () => {
    for (let i = 0; i < 5; i += 1) expect((await login(stack.baseUrl, 'bob', 'wrong-pw')).status).toBe(401);
    const sixth = await login(stack.baseUrl, 'bob', 'bob-pw');
    expect(sixth).toMatchObject({ status: 429, error: { message: LOCKED } });
    expect(Number(sixth.retryAfter)).toBeGreaterThan(0);
  });

  it('throttles an address across usernames', async () => {
    for (const username of ['alice', 'bob', 'admin', 'nobody', 'carol']) expect((await wrongFrom(username, '198.51.100.7')).status).toBe(401);

    expect(await login(proxied.baseUrl, 'bob', 'bob-pw', '198.51.100.7')).toMatchObject({ status: 429, error: { message: LOCKED } });
    expect((await login(proxied.baseUrl, 'bob', 'bob-pw', '198.51.100.8')).status).toBe(200);
  });

  it('ignores X-Forwarded-For unless told to trust a proxy, so a client cannot pick its address', async () => {
    for (let i = 1; i <= 5; i += 1) {
      expect((await login(stack.baseUrl, `user-${i}`, 'wrong-pw', `192.0.2.${i}`)).status).toBe(401);
    }
    expect((await login(stack.baseUrl, 'alice', 'alice-pw', '192.0.2.99')).status).toBe(429);
  });

  it('answers an unknown user exactly as a wrong password, before and after the lock', async () => {
    const unknown: LoginResponse[] = [];
    const wrongPassword: LoginResponse[] = [];
    for (let i = 1; i <= 6; i += 1) {
      unknown.push(await wrongFrom('mallory', `203.0.113.${10 + i}`));
      wrongPassword.push(await wrongFrom('alice', `203.0.113.${20 + i}`));
    }
    // Retry-After may differ by the second that passed between the two; that it is there may not.
    const same = (answers: LoginResponse[]) => answers.map((answer) => ({ ...answer, retryAfter: answer.retryAfter !== null }));
    expect(same(unknown)).toEqual(same(wrongPassword));
    expect(unknown[0]).toEqual({ status: 401, retryAfter: null, error: { code: 'UNAUTHORIZED', message: 'Wrong username or password' } });
    expect(unknown[5]).toMatchObject({ status: 429, error: { code: 'TOO_MANY_REQUESTS', message: LOCKED } });
  });

  it('lets only 5 of 20 simultaneous wrong passwords be checked and refuses the rest', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => wrongFrom('alice', `203.0.113.${100 + i}`)));
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
