import { and, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import { loginFailures, type Db } from '@storyline/db';

export interface LoginThrottleOptions {
  /**
   * Failures one browser may make at one account within a window: a known device, or an
   * unknown browser at one address. The one that reaches it locks that browser out.
   */
  maxFailures?: number;
  /** Failures every unknown browser together may make at one account; then each next attempt waits a growing delay. */
  accountMaxFailures?: number;
  /** The longest that delay grows to (it starts at 1 s and doubles). */
  accountDelayMaxSec?: number;
  /** Failures unknown browsers at one address may make, whichever accounts they try. */
  addressMaxFailures?: number;
  /** How long failures are remembered, counted from a key's first failure. */
  windowSec?: number;
  /** How long a locked key is refused without its password being checked. */
  lockoutSec?: number;
}

/** Who is trying to log in: the name typed, the client's address, and the browser if it is known. */
export interface LoginKeys {
  username: string;
  address: string;
  /** The browser's device key, when this browser logged in to this account before (see devices.ts). */
  device?: string | null;
}

export type LoginAttempt<T> = { status: 'checked'; result: T | null } | { status: 'locked'; retryAfterSec: number };

export interface LoginThrottle {
  /**
   * Runs `check` (the password check, answering null when it fails) as one attempt of
   * the keys this login counts against, unless one of them is locked: then `check` is
   * not run at all, so a right password is refused as well until the lock ends.
   */
  attempt<T>(keys: LoginKeys, check: () => Promise<T | null>): Promise<LoginAttempt<T>>;
}

/**
 * One count an attempt is made against. A `lock` key, once `max` failures are in, refuses
 * everything for the lockout; a `delay` key lets `max` failures in freely and then makes
 * each further attempt wait a delay that doubles, up to a cap, so it slows guessing
 * without ever shutting the door for long.
 */
interface Limit {
  key: string;
  max: number;
  kind: 'lock' | 'delay';
}

/**
 * Throttles failed logins so that guessing is slow and no stranger can lock a user out.
 * A browser that logged in to the account before (a known device) counts only against
 * itself: `maxFailures` per window, then that device is treated as unknown. Any other
 * attempt counts against three keys: its account at its address (`maxFailures`, then
 * locked), its address whichever accounts it tries (`addressMaxFailures`, then locked),
 * and the account from every unknown browser (`accountMaxFailures`, then a delay of 1 s
 * doubling to `accountDelayMaxSec` before each next attempt). So guessing alice's
 * password from one address stops after 5 tries without touching alice anywhere else, an
 * office behind one NAT can mistype 100 times before its unknown browsers wait, guessing
 * spread over many addresses gets one try a minute, and alice waits at most that minute
 * in a new browser and not at all in her own. An IPv6 address counts as its /64, which
 * one host may hold whole. The counts are in Postgres, so every API process shares them;
 * every time comes from the database's clock.
 *
 * An attempt is counted before its password is checked (atomic upserts, keys in one
 * order so concurrent attempts cannot deadlock) and given back if it succeeds or is
 * refused, so simultaneous guesses cannot slip past a count that has not caught up yet:
 * while a lock key holds its limit of attempts that could still fail, others are refused,
 * and a delay key past its limit takes one attempt per delay. Only failures lock a key.
 */
export function createLoginThrottle(db: Db, options: LoginThrottleOptions = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const accountMaxFailures = options.accountMaxFailures ?? 20;
  const addressMaxFailures = options.addressMaxFailures ?? 100;
  const delayCapSec = options.accountDelayMaxSec ?? 60;
  const windowLength = sql`make_interval(secs => ${options.windowSec ?? 900})`;
  const lockoutLength = sql`make_interval(secs => ${options.lockoutSec ?? 900})`;
  const windowOver = sql`${loginFailures.windowStartedAt} <= now() - ${windowLength}`;
  const notWaiting = sql`coalesce(${loginFailures.lockedUntil} <= now(), true)`;
  // A row is dead when its next attempt would start a fresh count, so deleting it changes
  // nothing: a lock key once its lock has run out or, never locked, once its window has;
  // a delay key once its window is over and it is not making anyone wait.
  const lockDead = sql`coalesce(${loginFailures.lockedUntil} <= now(), ${windowOver})`;
  const delayDead = sql`(${windowOver} and ${notWaiting})`;
  /** Each key's limit, for statements that touch several keys at once. */
  const limitOf = (limits: Limit[]) => sql`(case ${sql.join(limits.map((limit) => sql`when ${loginFailures.key} = ${limit.key} then ${limit.max}::int`), sql` `)} end)`;

  /** Seconds until each given key that is locked (or making attempts wait) is free again. */
  async function lockedByKey(keys: string[]): Promise<Map<string, number>> {
    const rows = await db
      .select({ key: loginFailures.key, seconds: sql<number>`ceil(extract(epoch from ${loginFailures.lockedUntil} - now()))::int` })
      .from(loginFailures)
      .where(and(inArray(loginFailures.key, keys), gt(loginFailures.lockedUntil, sql`now()`)));
    return new Map(rows.map((row) => [row.key, row.seconds]));
  }

  /** Seconds until every key given is unlocked; 0 when none is locked. */
  async function lockedFor(keys: string[]): Promise<number> {
    return Math.max(0, ...(await lockedByKey(keys)).values());
  }

  /** Counts one attempt for every lock key that is neither locked nor full; returns the keys counted. */
  function reserveLocks(limits: Limit[]) {
    return db
      .insert(loginFailures)
      .values(limits.map(({ key }) => ({ key, failures: 1, windowStartedAt: sql`now()`, lockedUntil: null })))
      .onConflictDoUpdate({
        target: loginFailures.key,
        // Every expression reads the row as it was before this attempt.
        set: {
          failures: sql`case when ${lockDead} then 1 else ${loginFailures.failures} + 1 end`,
          windowStartedAt: sql`case when ${lockDead} then now() else ${loginFailures.windowStartedAt} end`,
          lockedUntil: null,
        },
        setWhere: sql`${lockDead} or (${loginFailures.lockedUntil} is null and ${loginFailures.failures} < ${limitOf(limits)})`,
      })
      // As text: a Date would drop the microseconds that giving back has to match.
      .returning({ key: loginFailures.key, windowStart: sql<string>`${loginFailures.windowStartedAt}::text` });
  }

  /**
   * Counts one attempt for a delay key unless it is making attempts wait; past its limit
   * the attempt itself sets the next wait (1 s, doubling to the cap), so of attempts at
   * once only one is let through per delay.
   */
  function reserveDelay({ key, max }: Limit) {
    const next = sql`(${loginFailures.failures} + 1)`;
    const wait = sql`make_interval(secs => least(${delayCapSec}::float8, power(2, ${next} - ${max}::int - 1)))`;
    return db
      .insert(loginFailures)
      .values({ key, failures: 1, windowStartedAt: sql`now()`, lockedUntil: null })
      .onConflictDoUpdate({
        target: loginFailures.key,
        set: {
          failures: sql`case when ${windowOver} then 1 else ${next} end`,
          windowStartedAt: sql`case when ${windowOver} then now() else ${loginFailures.windowStartedAt} end`,
          lockedUntil: sql`case when ${windowOver} or ${next} <= ${max}::int then null else now() + ${wait} end`,
        },
        setWhere: notWaiting,
      })
      .returning({ key: loginFailures.key, windowStart: sql<string>`${loginFailures.windowStartedAt}::text` });
  }

  /** Takes back an attempt counted in the window starting at `windowStart` that did not fail. */
  async function giveBack({ key, max, kind }: Limit, windowStart: string): Promise<void> {
    const failures = sql`${loginFailures.failures} - 1`;
    // A lock that needed this attempt to reach the limit goes with it; a delay stays.
    const lockedUntil = kind === 'lock' ? sql`case when ${failures} >= ${max} then ${loginFailures.lockedUntil} end` : loginFailures.lockedUntil;
    await db
      .update(loginFailures)
      .set({ failures, lockedUntil })
      // Only within the window it was counted in: a fresh window never saw this attempt.
      .where(and(eq(loginFailures.key, key), eq(loginFailures.windowStartedAt, sql`${windowStart}::timestamptz`), gt(loginFailures.failures, 0)));
  }

  /** Gives back every counted attempt of `limits` that `counted` holds. */
  async function giveBackAll(limits: Limit[], counted: Array<{ key: string; windowStart: string }>): Promise<void> {
    await Promise.all(
      limits.map((limit) => {
        const row = counted.find((candidate) => candidate.key === limit.key);
        return row && giveBack(limit, row.windowStart);
      }),
    );
  }

  /** After a failure: locks each lock key whose count has reached its limit (a lock already set stays as it is). */
  async function lockFullKeys(limits: Limit[]): Promise<void> {
    if (limits.length === 0) return;
    await db
      .update(loginFailures)
      .set({ lockedUntil: sql`now() + ${lockoutLength}` })
      .where(and(inArray(loginFailures.key, limits.map((limit) => limit.key)), gte(loginFailures.failures, limitOf(limits)), isNull(loginFailures.lockedUntil)));
  }

  /**
   * Keeps the table from growing without bound: each attempt checked deletes up to 100
   * dead rows (and rows a success brought back to nothing), more than the three it may
   * add, so only keys within their window, lock or delay stay. Rows another attempt holds
   * are skipped rather than waited for (no deadlock).
   */
  async function deleteDeadRows(): Promise<void> {
    const dead = sql`case when ${loginFailures.key} like 'account:%' then ${delayDead} else ${lockDead} end
      or (${loginFailures.failures} = 0 and ${notWaiting})`;
    const batch = db.select({ key: loginFailures.key }).from(loginFailures).where(dead).limit(100).for('update', { skipLocked: true });
    await db.delete(loginFailures).where(inArray(loginFailures.key, batch));
  }

  /**
   * What an attempt counts against: its known device alone, or the three keys of an
   * unknown browser; and how long those are still locked. One look at every candidate key.
   */
  async function limitsOf(keys: LoginKeys): Promise<{ limits: Limit[]; lockedSec: number }> {
    const account = keys.username.trim().toLowerCase();
    const network = throttledNetwork(keys.address);
    const unknown: Limit[] = [
      { key: `pair:${account}@${network}`, max: maxFailures, kind: 'lock' },
      { key: `address:${network}`, max: addressMaxFailures, kind: 'lock' },
      { key: `account:${account}`, max: accountMaxFailures, kind: 'delay' },
    ];
    const device: Limit | null = keys.device ? { key: `device:${keys.device}:${account}`, max: maxFailures, kind: 'lock' } : null;
    const locked = await lockedByKey([...(device ? [device.key] : []), ...unknown.map((limit) => limit.key)]);
    // A device locked by its own failures is no longer trusted: it is any browser again.
    const limits = device && !locked.has(device.key) ? [device] : unknown;
    return { limits, lockedSec: Math.max(0, ...limits.map((limit) => locked.get(limit.key) ?? 0)) };
  }

  /** Counts the attempt against every key, or against none when one refuses it. */
  async function reserve(limits: Limit[]): Promise<Array<{ key: string; windowStart: string }> | null> {
    // One order for every attempt: rows are taken in key order, so none waits in a circle.
    const locks = limits.filter((limit) => limit.kind === 'lock').sort((a, b) => (a.key < b.key ? -1 : 1));
    const counted = locks.length > 0 ? await reserveLocks(locks) : [];
    if (counted.length < locks.length) {
      await giveBackAll(locks, counted);
      return null;
    }
    for (const delay of limits.filter((limit) => limit.kind === 'delay')) {
      const [row] = await reserveDelay(delay);
      if (!row) {
        await giveBackAll(limits, counted);
        return null;
      }
      counted.push(row);
    }
    return counted;
  }

  return {
    async attempt(keys, check) {
      // Looking first answers a locked key without writing anything.
      const { limits, lockedSec } = await limitsOf(keys);
      const names = limits.map((limit) => limit.key);
      if (lockedSec > 0) return { status: 'locked', retryAfterSec: lockedSec };
      const counted = await reserve(limits);
      // A key was locked in between, is full of attempts still being checked, or waits.
      if (!counted) return { status: 'locked', retryAfterSec: Math.max(1, await lockedFor(names)) };
      const result = await check().catch(async (error: unknown) => {
        // A check that broke is no failed login.
        await giveBackAll(limits, counted);
        throw error;
      });
      if (result === null) {
        await lockFullKeys(limits.filter((limit) => limit.kind === 'lock'));
      } else {
        // The browser's own count (its device, or the account at this address) is cleared;
        // the account's and the address's counts only lose this attempt, so logging in to
        // an attacker's own account never resets the counts it guesses others' under.
        await db.delete(loginFailures).where(eq(loginFailures.key, limits[0].key));
        await giveBackAll(limits.slice(1), counted);
      }
      await deleteDeadRows();
      return { status: 'checked', result };
    },
  };
}

/**
 * The network an address is counted as: an IPv4 address itself, an IPv6 address its /64
 * (the least one host is given, so a new address of the same host counts the same).
 */
export function throttledNetwork(address: string): string {
  const bare = address.split('%')[0].toLowerCase();
  if (!bare.includes(':')) return bare;
  const [head, tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => (parseInt(group, 16) || 0).toString(16))
    .join(':')}::/64`;
}
