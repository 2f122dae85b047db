import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { SessionUser, UserRole } from '@storyline/contracts';
import { sessions, users, type Db } from '@storyline/db';
import { dummyHash, hashPassword, verifyPassword } from './passwords';

export const SESSION_COOKIE = 'storyline_session';

/** What the database stores of a session token, and what names the session to its streams. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A signed-in request's session: who, which session (its token hash), and until when. */
export interface SessionInfo {
  user: SessionUser;
  key: string;
  expiresAt: Date;
}

/** Checks a username and password; returns the user, or null without saying which was wrong. */
export async function authenticate(db: Db, username: string, password: string): Promise<SessionUser | null> {
  const [user] = await db.select().from(users).where(eq(users.username, username));
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  return user && valid ? { id: user.id, username: user.username, role: user.role } : null;
}

/** Opens a session and returns the token for the cookie; only its hash is stored. */
export async function createSession(db: Db, userId: string, ttlMs: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(sessions).values({ tokenHash: hashToken(token), userId, expiresAt: new Date(Date.now() + ttlMs) });
  return token;
}

export async function findSession(db: Db, token: string | undefined): Promise<SessionInfo | null> {
  if (!token) return null;
  const key = hashToken(token);
  const [row] = await db
    .select({ id: users.id, username: users.username, role: users.role, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, key), gt(sessions.expiresAt, new Date())));
  if (!row) return null;
  const { expiresAt, ...user } = row;
  return { user, key, expiresAt };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

/** Creates a user, or resets the password and role of an existing one (used by the seed). */
export async function upsertUser(db: Db, input: { username: string; password: string; role: UserRole }): Promise<SessionUser> {
  const passwordHash = await hashPassword(input.password);
  const [row] = await db
    .insert(users)
    .values({ username: input.username, passwordHash, role: input.role })
    .onConflictDoUpdate({ target: users.username, set: { passwordHash, role: input.role } })
    .returning({ id: users.id, username: users.username, role: users.role });
  return row;
}
