import { sql } from 'drizzle-orm';
import { SESSION_ENDED_CHANNEL, type Database, type Db } from '@storyline/db';
import type { StreamHub } from '@storyline/realtime';
import type { Logger } from 'pino';

/** Tells every API process to end the streams of a session that was logged out. */
export async function announceSessionEnded(db: Db, sessionKey: string): Promise<void> {
  await db.execute(sql`select pg_notify(${SESSION_ENDED_CHANNEL}, ${sessionKey})`);
}

/**
 * Ends this process's streams of every session announced as ended. Logouts announced
 * while the listener was away (a Postgres restart) are found by asking the table.
 */
export async function listenForEndedSessions(database: Database, hub: StreamHub, log: Logger): Promise<{ unlisten(): Promise<void> }> {
  let listens = 0;
  return database.sql.listen(
    SESSION_ENDED_CHANNEL,
    (key) => {
      const ended = hub.endSession(key);
      if (ended > 0) log.info({ streams: ended }, 'session ended; its streams closed');
    },
    () => {
      if ((listens += 1) > 1) void endVanishedSessions(database, hub, log);
    },
  );
}

/** Ends the streams of sessions that no longer exist. */
async function endVanishedSessions(database: Database, hub: StreamHub, log: Logger): Promise<void> {
  try {
    const keys = hub.sessionKeys();
    for (let start = 0; start < keys.length; start += 1_000) {
      const batch = keys.slice(start, start + 1_000);
      const alive = await database.sql<{ token_hash: string }[]>`select token_hash from sessions where token_hash in ${database.sql(batch)}`;
      const known = new Set(alive.map((row) => row.token_hash));
      for (const key of batch) if (!known.has(key)) hub.endSession(key);
    }
  } catch (error) {
    log.warn({ err: error }, 'could not check open streams against the sessions; expiry still ends them');
  }
}
