import { sql } from 'drizzle-orm';
import type { Db } from '@storyline/db';

/** Carries the key (token hash) of a session that ended, to every API process. */
export const SESSION_ENDED_CHANNEL = 'session_ended';

/** Tells every API process to end the streams of a session that was logged out. */
export async function announceSessionEnded(db: Db, sessionKey: string): Promise<void> {
  await db.execute(sql`select pg_notify(${SESSION_ENDED_CHANNEL}, ${sessionKey})`);
}
