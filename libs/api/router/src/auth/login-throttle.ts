import { and, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import { loginFailures, type Db } from '@storyline/db';

export interface LoginThrottleOptions {
  /**
   * Failures one browser may make at one account within a window: a known device, or an
   * unknown browser at one address. The one that reaches it locks that browser out.
   */
  maxFailures?: number;
  /** Failures every unknown browser together may make at one account; then only known devices get in. */
  accountMaxFailures?: number;
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

/** One count an attempt is made against, and the failures that lock it. */
interface Limit {
  key: string;
  max: number;
}

/**
 * Throttles failed logins so that guessing is slow and nobody can lock anybody else out.
 * A browser that logged in to the account before (a known device) counts only against
 * itself: `maxFailures` per window, then that device is treated as unknown. Any other
 * attempt counts against three keys: its account at its address (`maxFailures`), the
 * account from every unknown browser (`accountMaxFailures`), and its address, whichever
 * accounts it tries (`addressMaxFailures`). So guessing alice's password from one
 * address stops after 5 tries without touching alice anywhere else, an office behind one
 * NAT can mistype 100 times before its unknown browsers wait, and distributed guessing
 * stops at 20 per window while alice's own browser keeps logging in. The counts are in
 * Postgres, so every API process shares them. Every time comes from the database's clock.
 *
 * An attempt is counted before its password is checked (one atomic upsert) and given
 * back if it succeeds or is refused, so simultaneous guesses cannot slip past a count
 * that has not caught up yet: while a key's limit of attempts that could still fail are
 * counted, others are refused, so no more guesses than the limit are ever checked before
 * a key locks. Only failures lock a key, so logins that succeed never leave one locked.
 */
export function createLoginThrottle(db: Db, options: LoginThrottleOptions = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const accountMaxFailures = options.accountMaxFailures ?? 20;
  const addressMaxFailures = options.addressMaxFailures ?? 100;
  const windowLength = sql`make_interval(secs => ${options.windowSec ?? 900})`;
  const lockoutLength = sql`make_interval(secs => ${options.lockoutSec ?? 900})`;
  // A row is dead once its lock has run out or, never locked, once its window has: its
  // next attempt starts a fresh count, so deleting it changes nothing.
  const dead = sql`coalesce(${loginFailures.lockedUntil} <= now(), ${loginFailures.windowStartedAt} <= now() - ${windowLength})`;
  /** Each key's limit, for statements that touch several keys at once. */
  const limitOf = (limits: Limit[]) => sql`(case ${sql.join(limits.map((limit) => sql`when ${loginFailures.key} = ${limit.key} then ${limit.max}::int`), sql` `)} end)`;

  /** Seconds until every key given is unlocked; 0 when none is locked. */
  async function lockedFor(keys: string[]): Promise<number> {
    const [row] = await db
      .select({ seconds: sql<number | null>`ceil(extract(epoch from max(${loginFailures.lockedUntil}) - now()))::int` })
      .from(loginFailures)
      .where(and(inArray(loginFailures.key, keys), gt(loginFailures.lockedUntil, sql`now()`)));
    return row?.seconds ?? 0;
  }

  /** Counts one attempt for every key that is neither locked nor full; returns the keys counted. */
  function reserve(limits: Limit[]) {
    return db
      .insert(loginFailures)
      .values(limits.map(({ key }) => ({ key, failures: 1, windowStartedAt: sql`now()`, lockedUntil: null })))
      .onConflictDoUpdate({
        target: loginFailures.key,
        // Every expression reads the row as it was before this attempt.
        set: {
          failures: sql`case when ${dead} then 1 else ${loginFailures.failures} + 1 end`,
          windowStartedAt: sql`case when ${dead} then now() else ${loginFailures.windowStartedAt} end`,
          lockedUntil: null,
        },
        setWhere: sql`${dead} or (${loginFailures.lockedUntil} is null and ${loginFailures.failures} < ${limitOf(limits)})`,
      })
      // As text: a Date would drop the microseconds that giving back has to match.
      .returning({ key: loginFailures.key, windowStart: sql<string>`${loginFailures.windowStartedAt}::text` });
  }

  /** Takes back an attempt counted in the window starting at `windowStart` that did not fail. */
  async function giveBack({ key, max }: Limit, windowStart: string): Promise<void> {
    const failures = sql`${loginFailures.failures} - 1`;
    await db
      .update(loginFailures)
      // A lock that needed this attempt to reach the limit goes with it.
      .set({ failures, lockedUntil: sql`case when ${failures} >= ${max} then ${loginFailures.lockedUntil} end` })
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

  /** After a failure: locks each key whose count has reached its limit (a lock already set stays as it is). */
  async function lockFullKeys(limits: Limit[]): Promise<void> {
    await db
      .update(loginFailures)
      .set({ lockedUntil: sql`now() + ${lockoutLength}` })
      .where(and(inArray(loginFailures.key, limits.map((limit) => limit.key)), gte(loginFailures.failures, limitOf(limits)), isNull(loginFailures.lockedUntil)));
  }

  /**
   * Keeps the table from growing without bound: each failure deletes up to 100 dead
   * rows, more than the two it may add, so only keys within their window or lock stay.
   * Rows another attempt holds are skipped rather than waited for (no deadlock).
   */
  async function deleteDeadRows(): Promise<void> {
    const batch = db.select({ key: loginFailures.key }).from(loginFailures).where(dead).limit(100).for('update', { skipLocked: true });
    await db.delete(loginFailures).where(inArray(loginFailures.key, batch));
  }

  /** What an attempt counts against: its known device alone, or the three keys of an unknown browser. */
  async function limitsOf(keys: LoginKeys): Promise<Limit[]> {
    const account = keys.username.trim().toLowerCase();
    if (keys.device) {
      const device = { key: `device:${keys.device}:${account}`, max: maxFailures };
      // A device locked by its own failures is no longer trusted: it is any browser again.
      if ((await lockedFor([device.key])) === 0) return [device];
    }
    return [
      { key: `pair:${account}@${keys.address}`, max: maxFailures },
      { key: `account:${account}`, max: accountMaxFailures },
      { key: `address:${keys.address}`, max: addressMaxFailures },
    ];
  }

  return {
    async attempt(keys, check) {
      const limits = await limitsOf(keys);
      const names = limits.map((limit) => limit.key);
      // Looking first answers a locked key without writing anything.
      const lockedSec = await lockedFor(names);
      if (lockedSec > 0) return { status: 'locked', retryAfterSec: lockedSec };
      const counted = await reserve(limits);
      if (counted.length < limits.length) {
        // A key was locked in between, or is full of attempts still being checked.
        await giveBackAll(limits, counted);
        return { status: 'locked', retryAfterSec: Math.max(1, await lockedFor(names)) };
      }
      const result = await check().catch(async (error: unknown) => {
        // A check that broke is no failed login.
        await giveBackAll(limits, counted);
        throw error;
      });
      if (result === null) {
        await lockFullKeys(limits);
        await deleteDeadRows();
      } else {
        // The browser's own count (its device, or the account at this address) is cleared;
        // the account's and the address's counts only lose this attempt, so logging in to
        // an attacker's own account never resets the counts it guesses others' under.
        await db.delete(loginFailures).where(eq(loginFailures.key, limits[0].key));
        await giveBackAll(limits.slice(1), counted);
      }
      return { status: 'checked', result };
    },
  };
}
