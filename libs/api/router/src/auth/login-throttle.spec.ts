import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import '../../../../../tools/testing/provided-context';
import { eventually, until } from '../../../../../tools/testing/eventually';
import { createLoginThrottle, type LoginAttempt, type LoginKeys } from './login-throttle';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
});
afterEach(() => database.sql`delete from login_failures`);
afterAll(() => database?.destroy());

const wrong = async () => null;
const right = async () => 'user';

async function failures(key: string): Promise<number | undefined> {
  const [row] = await database.sql<{ failures: number }[]>`select failures from login_failures where key = ${key}`;
  return row?.failures;
}

async function attempts<T>(count: number, next: (index: number) => Promise<LoginAttempt<T>>): Promise<LoginAttempt<T>[]> {
  const results: LoginAttempt<T>[] = [];
  for (let index = 0; index < count; index += 1) results.push(await next(index));
  return results;
}

describe('the login throttle', () => {
  it('locks an account at one address on its 5th failure, refusing even the right password there without checking it', async () => {
    const throttle = createLoginThrottle(database.db);
    const first = await attempts(5, () => throttle.attempt({ username: 'alice', address: '10.0.0.1' }, wrong));
    expect(first.map((attempt) => attempt.status)).toEqual(Array(5).fill('checked'));

    let checked = false;
    const sixth = await throttle.attempt({ username: 'alice', address: '10.0.0.1' }, async () => {
      checked = true;
      return 'user';
    });
    expect(checked).toBe(false);
    expect(sixth.status).toBe('locked');
    const { retryAfterSec } = sixth as { retryAfterSec: number };
    expect(retryAfterSec).toBeGreaterThan(0);
    expect(retryAfterSec).toBeLessThanOrEqual(900);
    // Anywhere else the account is as open as before.
    expect(await throttle.attempt({ username: 'alice', address: '10.0.0.2' }, right)).toEqual({ status: 'checked', result: 'user' });
  });

  it('makes unknown browsers wait a doubling delay after accountMaxFailures from any addresses, but not known devices', async () => {
    const throttle = createLoginThrottle(database.db, { accountMaxFailures: 3 });
    const from = (i: number) => ({ username: 'alice', address: `10.0.0.${10 + i}` });
    await attempts(3, (i) => throttle.attempt(from(i), wrong));
    // Past the limit an attempt is still checked, and makes the next one wait 1 s.
    expect((await throttle.attempt(from(3), wrong)).status).toBe('checked');
    expect(await throttle.attempt(from(4), right)).toEqual({ status: 'locked', retryAfterSec: 1 });
    expect(await throttle.attempt({ ...from(4), device: 'alices-laptop' }, right)).toEqual({ status: 'checked', result: 'user' });
    await until(async () => (await waitLeft('account:alice')) <= 0, 'the 1 s delay to pass', 10_000);
    expect((await throttle.attempt(from(5), wrong)).status).toBe('checked');
    expect(await waitLeft('account:alice')).toBeGreaterThan(1.5);
    expect(await waitLeft('account:alice')).toBeLessThanOrEqual(2);
  });

  it('never makes the account wait longer than accountDelayMaxSec, however many failures', async () => {
    const throttle = createLoginThrottle(database.db, { accountMaxFailures: 1, accountDelayMaxSec: 1 });
    for (let i = 0; i < 4; i += 1) {
      await until(async () => (await waitLeft('account:alice')) <= 0, 'the delay to pass', 10_000);
      expect((await throttle.attempt({ username: 'alice', address: `10.0.0.${30 + i}` }, wrong)).status).toBe('checked');
      expect(await waitLeft('account:alice')).toBeLessThanOrEqual(1);
    }
    expect(await failures('account:alice')).toBe(4);
  });

  it('lets one of many simultaneous attempts through a delay, and refuses the others', async () => {
    const throttle = createLoginThrottle(database.db, { accountMaxFailures: 2 });
    await attempts(2, (i) => throttle.attempt({ username: 'alice', address: `10.0.0.${40 + i}` }, wrong));
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => throttle.attempt({ username: 'alice', address: `10.0.0.${50 + i}` }, wrong)));
    expect(results.filter((attempt) => attempt.status === 'checked')).toHaveLength(1);
  });

  it('counts an IPv6 address as its /64', async () => {
    const throttle = createLoginThrottle(database.db);
    await attempts(3, () => throttle.attempt({ username: 'alice', address: '2001:db8:1:2::1' }, wrong));
    await attempts(2, (i) => throttle.attempt({ username: 'alice', address: `2001:db8:1:2:ffff::${i + 9}` }, wrong));
    expect(await failures('pair:alice@2001:db8:1:2::/64')).toBe(5);
    expect((await throttle.attempt({ username: 'alice', address: '2001:0db8:0001:0002:abcd::1' }, right)).status).toBe('locked');
    expect((await throttle.attempt({ username: 'alice', address: '2001:db8:1:3::1' }, right)).status).toBe('checked');
  });

  it('survives simultaneous successes and failures on the same keys without a deadlock', async () => {
    const throttle = createLoginThrottle(database.db, { maxFailures: 100, accountMaxFailures: 100 });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => throttle.attempt({ username: 'alice', address: '10.0.0.60' }, i % 2 ? wrong : right)),
    );
    expect(results.every((attempt) => attempt.status === 'checked')).toBe(true);
  });

  it('locks an address after addressMaxFailures, whichever usernames it tried, for unknown browsers only', async () => {
    const throttle = createLoginThrottle(database.db, { addressMaxFailures: 5 });
    await attempts(5, (i) => throttle.attempt({ username: `user-${i}`, address: '10.0.1.1' }, wrong));
    expect((await throttle.attempt({ username: 'bob', address: '10.0.1.1' }, right)).status).toBe('locked');
    expect(await throttle.attempt({ username: 'bob', address: '10.0.1.1', device: 'bobs-phone' }, right)).toEqual({ status: 'checked', result: 'user' });
    expect(await throttle.attempt({ username: 'bob', address: '10.0.1.2' }, right)).toEqual({ status: 'checked', result: 'user' });
  });

  it("counts a known device's failures on the device alone, and nobody else's against it", async () => {
    const throttle = createLoginThrottle(database.db);
    const laptop = { username: 'alice', address: '10.0.1.5', device: 'alices-laptop' };
    await attempts(4, () => throttle.attempt(laptop, wrong));
    expect(await failures('device:alices-laptop:alice')).toBe(4);
    expect(await failures('account:alice')).toBeUndefined();
    // A stranger at the same address guesses on.
    await attempts(6, () => throttle.attempt({ username: 'alice', address: '10.0.1.5' }, wrong));
    expect(await throttle.attempt(laptop, right)).toEqual({ status: 'checked', result: 'user' });
    expect(await failures('device:alices-laptop:alice')).toBeUndefined();
  });

  it('treats a device locked by its own failures as any other browser', async () => {
    const throttle = createLoginThrottle(database.db);
    const laptop = { username: 'alice', address: '10.0.1.6', device: 'stolen-cookie' };
    await attempts(5, () => throttle.attempt(laptop, wrong));
    const next = await attempts(5, () => throttle.attempt(laptop, wrong));
    expect(next.map((attempt) => attempt.status)).toEqual(Array(5).fill('checked'));
    expect(await failures('pair:alice@10.0.1.6')).toBe(5);
    expect((await throttle.attempt(laptop, right)).status).toBe('locked');
  });

  it('does not count the attempts a locked address refuses against the accounts they name', async () => {
    const throttle = createLoginThrottle(database.db, { addressMaxFailures: 5 });
    await attempts(5, (i) => throttle.attempt({ username: `user-${i}`, address: '10.0.2.1' }, wrong));
    await attempts(5, () => throttle.attempt({ username: 'carol', address: '10.0.2.1' }, wrong));
    expect((await failures('account:carol')) ?? 0).toBe(0);
  });

  it('refuses an attempt while 5 others from its address are being checked, without counting it', async () => {
    const throttle = createLoginThrottle(database.db, { addressMaxFailures: 5 });
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let checking = 0;
    const heldWrong = async () => {
      checking += 1;
      await released;
      return null;
    };
    const held = Array.from({ length: 5 }, (_, i) => throttle.attempt({ username: `user-${i}`, address: '10.0.2.2' }, heldWrong));
    await until(() => checking === 5, 'five checks to start', 10_000);

    expect(await throttle.attempt({ username: 'carol', address: '10.0.2.2' }, right)).toEqual({ status: 'locked', retryAfterSec: 1 });
    expect((await failures('account:carol')) ?? 0).toBe(0);
    release();
    await Promise.all(held);
  });

  it('treats a username in any case and with spaces around it as one account', async () => {
    const throttle = createLoginThrottle(database.db);
    await throttle.attempt({ username: 'Alice', address: '10.0.3.1' }, wrong);
    await throttle.attempt({ username: ' alice ', address: '10.0.3.2' }, wrong);
    expect(await failures('account:alice')).toBe(2);
  });

  it("clears the browser's own count on a success, and takes only the success back from the account and the address", async () => {
    const throttle = createLoginThrottle(database.db);
    const keys: LoginKeys = { username: 'alice', address: '10.0.4.1' };
    await attempts(4, () => throttle.attempt(keys, wrong));
    expect(await throttle.attempt(keys, right)).toEqual({ status: 'checked', result: 'user' });
    expect(await failures('pair:alice@10.0.4.1')).toBeUndefined();
    expect(await failures('account:alice')).toBe(4);
    expect(await failures('address:10.0.4.1')).toBe(4);

    // The address was not locked by the attempt that succeeded: one more failure is checked.
    expect((await throttle.attempt({ username: 'bob', address: '10.0.4.1' }, wrong)).status).toBe('checked');
  });

  it('counts 20 simultaneous failures exactly, losing no increment', async () => {
    const throttle = createLoginThrottle(database.db, { maxFailures: 50, accountMaxFailures: 50 });
    const keys: LoginKeys = { username: 'alice', address: '10.0.5.1' };
    const results = await Promise.all(Array.from({ length: 20 }, () => throttle.attempt(keys, wrong)));
    expect(results.every((attempt) => attempt.status === 'checked')).toBe(true);
    expect(await failures('pair:alice@10.0.5.1')).toBe(20);
    expect(await failures('account:alice')).toBe(20);
    expect(await failures('address:10.0.5.1')).toBe(20);
  });

  it('lets only 5 of 20 simultaneous attempts reach the password check', async () => {
    const throttle = createLoginThrottle(database.db);
    const keys: LoginKeys = { username: 'alice', address: '10.0.6.1' };
    // No check answers before all 20 attempts got past the throttle or were refused,
    // so a throttle that only looked at the count before checking would let all 20 in.
    let arrived = 0;
    let allArrived: () => void = () => undefined;
    const everyoneIn = new Promise<void>((resolve) => (allArrived = resolve));
    const arrive = () => {
      arrived += 1;
      if (arrived === 20) allArrived();
    };
    const slowWrong = async () => {
      arrive();
      await everyoneIn;
      return null;
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const attempt = await throttle.attempt(keys, slowWrong);
        if (attempt.status === 'locked') arrive();
        return attempt.status;
      }),
    );
    expect(results.filter((status) => status === 'checked')).toHaveLength(5);
    expect(results.filter((status) => status === 'locked')).toHaveLength(15);
  });

  it('leaves no count and no lock behind after 20 simultaneous logins that succeed', async () => {
    const throttle = createLoginThrottle(database.db);
    const logins = Array.from({ length: 20 }, (_, i) => throttle.attempt({ username: `user-${i}`, address: '10.0.6.2' }, right));
    const results = await Promise.all(logins);
    expect(results.filter((attempt) => attempt.status === 'checked').length).toBeGreaterThanOrEqual(5);
    expect((await failures('address:10.0.6.2')) ?? 0).toBe(0);
    expect(await throttle.attempt({ username: 'bob', address: '10.0.6.2' }, wrong)).toEqual({ status: 'checked', result: null });
  });

  it('does not count an attempt whose check threw', async () => {
    const throttle = createLoginThrottle(database.db);
    const keys: LoginKeys = { username: 'alice', address: '10.0.6.3' };
    await expect(throttle.attempt(keys, () => Promise.reject(new Error('database gone')))).rejects.toThrow('database gone');
    expect(await failures('account:alice')).toBe(0);
    expect(await failures('address:10.0.6.3')).toBe(0);
  });

  it('lets a lock run out after lockoutSec and starts counting afresh', async () => {
    const throttle = createLoginThrottle(database.db, { lockoutSec: 1 });
    const keys: LoginKeys = { username: 'alice', address: '10.0.7.1' };
    await attempts(5, () => throttle.attempt(keys, wrong));
    expect((await throttle.attempt(keys, right)).status).toBe('locked');

    await eventually(() => throttle.attempt(keys, wrong), (attempt) => attempt.status === 'checked', 'the lock to run out', {
      timeoutMs: 10_000,
      intervalMs: 100,
    });
    expect(await failures('pair:alice@10.0.7.1')).toBe(1);
    expect(await throttle.attempt(keys, right)).toEqual({ status: 'checked', result: 'user' });
  });

  it('forgets failures older than the window', async () => {
    const throttle = createLoginThrottle(database.db, { windowSec: 1 });
    const keys: LoginKeys = { username: 'alice', address: '10.0.8.1' };
    await attempts(4, () => throttle.attempt(keys, wrong));
    await until(() => windowIsOver('pair:alice@10.0.8.1', 1), 'the window to pass', 10_000);

    const later = await attempts(4, () => throttle.attempt(keys, wrong));
    expect(later.map((attempt) => attempt.status)).toEqual(Array(4).fill('checked'));
    expect(await failures('pair:alice@10.0.8.1')).toBe(4);
    expect(await failures('account:alice')).toBe(4);
  });

  it('deletes the rows whose window and lock are over when another failure comes in', async () => {
    const throttle = createLoginThrottle(database.db, { windowSec: 1, lockoutSec: 600 });
    await throttle.attempt({ username: 'old', address: '10.0.9.1' }, wrong);
    await attempts(5, () => throttle.attempt({ username: 'locked', address: '10.0.9.2' }, wrong));
    // `locked`'s windows began with its first failure, after `old`'s: wait for the last of them.
    for (const key of ['account:old', 'account:locked', 'address:10.0.9.2']) await until(() => windowIsOver(key, 1), `the window of ${key} to pass`, 10_000);

    await throttle.attempt({ username: 'new', address: '10.0.9.3' }, wrong);
    const keys = (await database.sql<{ key: string }[]>`select key from login_failures order by key`).map((row) => row.key);
    // The account and the address of `locked` stayed below their limits: their window ended them too.
    expect(keys).toEqual(['account:new', 'address:10.0.9.3', 'pair:locked@10.0.9.2', 'pair:new@10.0.9.3']);
  });
});

/** Seconds until the key stops making attempts wait (0 or less when it does not). */
async function waitLeft(key: string): Promise<number> {
  const [row] = await database.sql<{ left: number }[]>`
    select coalesce(extract(epoch from locked_until - now()), 0)::float8 as left from login_failures where key = ${key}`;
  return row?.left ?? 0;
}

async function windowIsOver(key: string, windowSec: number): Promise<boolean> {
  const [row] = await database.sql<{ over: boolean }[]>`
    select window_started_at + make_interval(secs => ${windowSec}) <= now() as over from login_failures where key = ${key}`;
  return row?.over ?? false;
}
