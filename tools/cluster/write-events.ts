/**
 * A writer process for the feed's concurrency test: appends progress events to the
 * given jobs in transactions that stay open for a random few milliseconds, so that
 * several writers commit out of the order in which their ids were handed out.
 *
 *   DATABASE_URL=… JOB_IDS=a,b,c EVENTS=200 tsx tools/cluster/write-events.ts
 */
import { sql } from 'drizzle-orm';
import { createDatabase } from '@storyline/db';
import { recordJobChange } from '@storyline/jobs';

const url = process.env['DATABASE_URL'];
const jobIds = (process.env['JOB_IDS'] ?? '').split(',').filter(Boolean);
const count = Number(process.env['EVENTS'] ?? 100);
if (!url || jobIds.length === 0 || !Number.isInteger(count)) {
  console.error('DATABASE_URL, JOB_IDS and EVENTS are required');
  process.exit(2);
}
const database = createDatabase(url, { max: 1, applicationName: 'storyline-test-writer' });
for (let index = 0; index < count; index += 1) {
  const jobId = jobIds[Math.floor(Math.random() * jobIds.length)];
  await database.db.transaction(async (tx) => {
    await recordJobChange(tx, jobId, {
      set: { progress: index % 100 },
      event: { kind: 'progress', progress: index % 100, message: `writer ${process.pid} #${index}` },
    });
    await tx.execute(sql`select pg_sleep(random() * 0.02)`);
  });
}
await database.close();
