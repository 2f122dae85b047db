import postgres from 'postgres';

/**
 * Locks the stories table against row locks (reads go on): a publish renders its pages
 * and then waits in its completing transaction (its `SELECT … FOR UPDATE` of the story),
 * Running, until `release()`. The lock is real Postgres (the stack's embedded one), so
 * the job is held without a sleep. A table lock takes no transaction id, so it does not
 * hold back the event feed (a row lock would: the feed delivers an event only once every
 * older transaction has ended). Saving a draft would wait too, so the publish is started
 * through the API and the editor picks the running job up when it opens.
 */
export function holdStories(): Promise<{ release(): Promise<void> }> {
  return holdTable('stories', 'exclusive');
}

/**
 * Locks a table of the stack's embedded Postgres in `mode` until `release()`: a job that
 * reads (`access exclusive`) or row-locks (`exclusive`) it waits there, Running, with no
 * sleep standing in. A table lock takes no transaction id, so it does not hold back the
 * event feed.
 */
export async function holdTable(table: 'stories' | 'media', mode: 'exclusive' | 'access exclusive'): Promise<{ release(): Promise<void> }> {
  const sql = postgres(`postgres://storyline:storyline@127.0.0.1:${process.env['E2E_PG_PORT']}/storyline`, { max: 1, onnotice: () => undefined });
  let release!: () => void;
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const held = sql.begin(async (tx) => {
    await tx.unsafe(`lock table ${table} in ${mode} mode`);
    locked();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await isLocked;
  return {
    async release() {
      release();
      await held;
      await sql.end();
    },
  };
}
