import { sql } from 'drizzle-orm';
import type { OpsSample } from '@storyline/contracts';
import { OPS_SAMPLE_CHANNEL, type Db } from '@storyline/db';

/** Postgres refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;

/** Announces a sample to every API process; each routes it to its admins' streams. */
export async function publishOpsSample(db: Db, sample: OpsSample): Promise<void> {
  const payload = JSON.stringify(sample);
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new Error(`an ops sample of ${Buffer.byteLength(payload)} bytes does not fit a NOTIFY`);
  await db.execute(sql`select pg_notify(${OPS_SAMPLE_CHANNEL}, ${payload})`);
}
