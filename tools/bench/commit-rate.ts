import { createDatabase } from '@storyline/db';
import { createTestDatabase } from '@storyline/db/testing';
import { recordJobChange } from '@storyline/jobs';

export interface CommitRate {
  connections: number;
  /** Event-writing transactions committed a second, with the commit-order trigger and without it. */
  ordered: number;
  unordered: number;
}

/**
 * What commit-ordered log positions cost writers: transactions like the worker's (job row +
 * event + NOTIFY), as fast as `connections` sessions can commit them, with the trigger that
 * gives each event its position at commit under one lock, and with it disabled. In a database
 * of its own, since events written without the trigger have no position. Each pair is
 * measured back to back, in alternating order, so the disk's drift touches both alike.
 */
export async function measureCommitRate(adminUrl: string, options: { connections: number[]; windowMs: number }): Promise<CommitRate[]> {
  const database = await createTestDatabase(adminUrl);
  try {
    const [user] = await database.sql<{ id: string }[]>`insert into users (username, password_hash) values ('commit-rate', '-') returning id`;
    const most = Math.max(...options.connections);
    const jobIds = (
      await database.sql<{ id: string }[]>`
        insert into jobs (type, target_id, owner_id, payload, status)
        select 'story-publish', gen_random_uuid(), ${user.id}, '{}', 'Running' from generate_series(1, ${most}) returning id`
    ).map((row) => row.id);
    const rate = async (connections: number, ordered: boolean) => {
      await database.sql.unsafe(`alter table job_events ${ordered ? 'enable' : 'disable'} trigger job_events_take_position`);
      const writers = createDatabase(database.url, { max: connections, applicationName: 'storyline-bench-commit-rate' });
      let committed = 0;
      const end = Date.now() + options.windowMs;
      // Each session writes its own job, as concurrent jobs do: no row lock is shared.
      await Promise.all(
        jobIds.slice(0, connections).map(async (jobId) => {
          while (Date.now() < end) {
            await writers.db.transaction((tx) => recordJobChange(tx, jobId, { set: {}, event: { kind: 'progress', progress: 1, message: null } }));
            committed += 1;
          }
        }),
      );
      await writers.close();
      return (committed * 1000) / options.windowMs;
    };
    const rates: CommitRate[] = [];
    for (const [index, connections] of options.connections.entries()) {
      const orderedFirst = index % 2 === 0;
      const first = await rate(connections, orderedFirst);
      const second = await rate(connections, !orderedFirst);
      rates.push({ connections, ordered: orderedFirst ? first : second, unordered: orderedFirst ? second : first });
    }
    return rates;
  } finally {
    await database.destroy();
  }
}
