import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { users } from '@storyline/db';
import { createTestDatabase, type TestDatabase } from '@storyline/db/testing';
import '../../../../tools/testing/provided-context';
import { createJobReporter, JobNotRunningError } from './job-reporter';

let database: TestDatabase;
let ownerId: string;

beforeAll(async () => {
  database = await createTestDatabase(inject('pgAdminUrl'));
  [{ id: ownerId }] = await database.db.insert(users).values({ username: 'owner', passwordHash: 'unused' }).returning({ id: users.id });
});
afterAll(() => database?.destroy());

/** A job Running its `attempt`th delivery, as the worker that claimed it left it. */
async function runningJob(attempt: number): Promise<string> {
  const [job] = await database.sql<{ id: string }[]>`
    insert into jobs (type, target_id, owner_id, payload, status, dequeue_count, started_at)
    values ('story-export', gen_random_uuid(), ${ownerId}, '{}'::jsonb, 'Running', ${attempt}, now()) returning id`;
  return job.id;
}

describe('an attempt that outlived its timeout', () => {
  it('can no longer report on, or complete, the job its successor now runs; a takeover once let both write', async () => {
    const jobId = await runningJob(2);
    const stale = createJobReporter(database.db, jobId, 1);
    await expect(stale.progress(50, 'still going', { every: true })).rejects.toBeInstanceOf(JobNotRunningError);
    await expect(stale.complete(async () => ({ late: true }))).rejects.toBeInstanceOf(JobNotRunningError);

    const current = createJobReporter(database.db, jobId, 2);
    await current.progress(60, 'the successor', { every: true });
    await current.complete(async () => ({ done: true }));
    const [row] = await database.sql<{ status: string; result: unknown; progress: number }[]>`select status, result, progress from jobs where id = ${jobId}`;
    expect(row).toEqual({ status: 'Completed', result: { done: true }, progress: 100 });
  });
});
