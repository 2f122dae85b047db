import type { Db } from '@storyline/db';
import { recordJobChange } from '@storyline/jobs';

/**
 * Appends `count` warning events to a job, `perTransaction` at a time, each carrying
 * `padding` characters so a test can fill buffers; returns the sequence numbers written.
 */
export async function appendEvents(db: Db, jobId: string, count: number, { padding = 0, perTransaction = 250 } = {}): Promise<number[]> {
  const seqs: number[] = [];
  const filler = 'x'.repeat(padding);
  for (let start = 0; start < count; start += perTransaction) {
    await db.transaction(async (tx) => {
      for (let index = start; index < Math.min(count, start + perTransaction); index += 1) {
        const event = await recordJobChange(tx, jobId, { set: {}, event: { kind: 'warning', message: `note ${index} ${filler}` } });
        if (event) seqs.push(event.seq);
      }
    });
  }
  return seqs;
}
