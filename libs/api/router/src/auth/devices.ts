import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, notInArray, sql } from 'drizzle-orm';
import { loginDevices, users, type Db } from '@storyline/db';
import { hashToken } from './sessions';

/**
 * The cookie that makes a browser a known device of the accounts it logged in to, so
 * that strangers' failed logins never lock it out (see login-throttle.ts). It names the
 * browser, not a session: it survives logout, and grants nothing without the password.
 */
export const DEVICE_COOKIE = 'storyline_device';
/** How long a browser stays known without logging in again. */
export const DEVICE_TTL_DAYS = 365;
/** Known devices kept per account (so the table stays bounded); logging in from one more forgets the least recent. */
export const DEVICES_PER_USER_MAX = 20;

const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/** A fresh device token: 32 random bytes, base64url. */
const newDeviceToken = () => randomBytes(32).toString('base64url');

/** The cookie's token, when it looks like one we hand out; anything else is ignored. */
export function wellFormedDeviceToken(token: string | undefined): string | null {
  return token && WELL_FORMED.test(token) ? token : null;
}

/**
 * The device key of this browser for the account `username`, when the browser logged in
 * to it within `DEVICE_TTL_DAYS`; null otherwise, unknown users included.
 */
export async function knownDevice(db: Db, token: string | null, username: string): Promise<string | null> {
  if (!token) return null;
  const key = hashToken(token);
  const [row] = await db
    .select({ key: loginDevices.tokenHash })
    .from(loginDevices)
    .innerJoin(users, eq(users.id, loginDevices.userId))
    .where(and(eq(loginDevices.tokenHash, key), eq(users.username, username), gt(loginDevices.lastLoginAt, sql`now() - make_interval(days => ${DEVICE_TTL_DAYS})`)));
  return row?.key ?? null;
}

/**
 * Remembers that this browser logged in to `userId` now, keeping the newest
 * `DEVICES_PER_USER_MAX`, and answers the browser's new token. The token changes at every
 * login (the accounts the old one was known for move to the new one), so a token someone
 * planted in a browser, or copied from it earlier, is worth nothing after its next login.
 */
export async function rememberDevice(db: Db, previousToken: string | null, userId: string): Promise<string> {
  const token = newDeviceToken();
  const key = hashToken(token);
  await db.transaction(async (tx) => {
    if (previousToken) await tx.update(loginDevices).set({ tokenHash: key }).where(eq(loginDevices.tokenHash, hashToken(previousToken)));
    await tx
      .insert(loginDevices)
      .values({ tokenHash: key, userId })
      .onConflictDoUpdate({ target: [loginDevices.tokenHash, loginDevices.userId], set: { lastLoginAt: sql`now()` } });
    const newest = tx
      .select({ key: loginDevices.tokenHash })
      .from(loginDevices)
      .where(eq(loginDevices.userId, userId))
      .orderBy(desc(loginDevices.lastLoginAt))
      .limit(DEVICES_PER_USER_MAX);
    await tx.delete(loginDevices).where(and(eq(loginDevices.userId, userId), notInArray(loginDevices.tokenHash, newest)));
  });
  return token;
}
