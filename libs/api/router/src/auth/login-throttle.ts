import { and, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import { loginFailures, type Db } from '@storyline/db';

export interface LoginThrottleOptions {
  /** Failures a key may have within one window; the one that reaches it locks the key. */
  maxFailures?: number;
  /** How long failures are remembered, counted from a key's first failure. */
  windowSec?: number;
  /** How long a locked key is refused without its password being checked. */
  lockoutSec?: number;
}

/** Who is trying to log in: the name typed and the client's address. */
export interface LoginKeys {
  username: string;
  address: string;
}

export type LoginAttempt<T> = { status: 'checked'; result: T | null } | { status: 'locked'; retryAfterSec: number };

export interface LoginThrottle {
  /**
   * Runs `check` (the password check, answering null when it fails) as one attempt of the
   * account and the address, unless either is locked: then `check` is not run at all, so
   * a right password is refused as well until the lock ends.
   */
  attempt<T>(keys: LoginKeys, check: () => Promise<T | null>): Promise<LoginAttempt<T>>;
}

/**
 * Throttles failed logins per account and per client address, with the counts in
 * Postgres so every API process shares them. Every time comes from the database's clock.
 *
 * An attempt is counted before its password is checked (one atomic upsert) and given
 * back if it succeeds or is refused, so simultaneous guesses cannot slip past a count
 * that has not caught up yet: while `maxFailures` attempts that could still fail are
 * counted, others are refused, so no more than `maxFailures` wrong guesses are ever
 * checked before a key locks.
 * Only failures lock a key, so logins that succeed never leave one locked.
 */
export function createLoginThrottle(db: Db, options: LoginThrottleOptions = {}): LoginThrottle {
  const maxFailures = options.maxFailures ?? 5;
  const windowLength = sql`make_interval(secs => ${options.windowSec ?? 900})`;
  const lockoutLength = sql`make_interval(secs => ${options.lockoutSec ?? 900})`;
  // A row is dead once its lock has run out or, never locked, once its window has: its
  // next attempt starts a fresh count, so deleting it changes nothing.
  const dead = sql`coalesce(${loginFailures.lockedUntil} <= now(), ${loginFailures.windowStartedAt} <= now() - ${windowLength})`;

  /** Seconds until every key given is unlocked; 0 when none is locked. */
  async function lockedFor(keys: string[]): Promise<number> {
    const [row] = await db
      .select({ seconds: sql<number | null>`ceil(extract(epoch from max(${loginFailures.lockedUntil}) - now()))::int` })
      .from(loginFailures)
      .where(and(inArray(loginFailures.key, keys), gt(loginFailures.lockedUntil, sql`now()`)));
    return row?.seconds ?? 0;
  }

  /** Counts one attempt for every key that is neither locked nor full; returns the keys counted. */
  function reserve(keys: string[]) {
    return db
      .insert(loginFailures)
      .values(keys.map((key) => ({ key, failures: 1, windowStartedAt: sql`now()`, lockedUntil: null })))
      .onConflictDoUpdate({
        target: loginFailures.key,
        // Every expression reads the row as it was before this attempt.
        set: {
          failures: sql`case when ${dead} then 1 else ${loginFailures.failures} + 1 end`,
          windowStartedAt: sql`case when ${dead} then now() else ${loginFailures.windowStartedAt} end`,
          lockedUntil: null,
        },
        setWhere: sql`${dead} or (${loginFailures.lockedUntil} is null and ${loginFailures.failures} < ${maxFailures})`,
      })
      // As text: a Date would drop the microseconds that giving back has to match.
      .returning({ key: loginFailures.key, windowStart: sql<string>`${loginFailures.windowStartedAt}::text` });
  }

  /** Takes back an attempt counted in the window starting at `windowStart` that did not fail. */
  async function giveBack(key: string, windowStart: string): Promise<void> {
    const failures = sql`${loginFailures.failures} - 1`;
    await db
      .update(loginFailures)
      // A lock that needed this attempt to reach the limit goes with it.
      .set({ failures, lockedUntil: sql`case when ${failures} >= ${maxFailures} then ${loginFailures.lockedUntil} end` })
      // Only within the window it was counted in: a fresh window never saw this attempt.
      .where(and(eq(loginFailures.key, key), eq(loginFailures.windowStartedAt, sql`${windowStart}::timestamptz`), gt(loginFailures.failures, 0)));
  }

  /** After a failure: locks each key whose count has reached the limit (a lock already set stays as it is). */
  async function lockFullKeys(keys: string[]): Promise<void> {
    await db
      .update(loginFailures)
      .set({ lockedUntil: sql`now() + ${lockoutLength}` })
      .where(and(inArray(loginFailures.key, keys), gte(loginFailures.failures, maxFailures), isNull(loginFailures.lockedUntil)));
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

  return {
    async attempt(keys, check) {
      const account = `account:${keys.username.trim().toLowerCase()}`;
      const address = `address:${keys.address}`;
      // Looking first answers a locked key without writing anything.
      const lockedSec = await lockedFor([account, address]);
      if (lockedSec > 0) return { status: 'locked', retryAfterSec: lockedSec };
      const counted = await reserve([account, address]);
      if (counted.length < 2) {
        // A key was locked in between, or is full of attempts still being checked.
        await Promise.all(counted.map((row) => giveBack(row.key, row.windowStart)));
        return { status: 'locked', retryAfterSec: Math.max(1, await lockedFor([account, address])) };
      }
      const result = await check().catch(async (error: unknown) => {
        // A check that broke is no failed login.
        await Promise.all(counted.map((row) => giveBack(row.key, row.windowStart)));
        throw error;
      });
      if (result === null) {
        await lockFullKeys([account, address]);
        await deleteDeadRows();
      } else {
        // Only the account is cleared: a login to an attacker's own account must not
        // reset the count of the address it guesses other accounts from.
        await db.delete(loginFailures).where(eq(loginFailures.key, account));
        const addressRow = counted.find((row) => row.key === address);
        if (addressRow) await giveBack(address, addressRow.windowStart);
      }
      return { status: 'checked', result };
    },
  };
}
