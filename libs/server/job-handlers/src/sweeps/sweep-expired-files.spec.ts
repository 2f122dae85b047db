import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobContainer } from '@storyline/storage';
import { startHandlerStack, type HandlerStack } from '../testing/start-handler-stack';
import { sweepExpiredFiles } from './sweep-expired-files';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
});
afterAll(() => stack?.close());

const sql = () => stack.database.sql;
/** A moment `minutes` ago (ahead, when negative), as Postgres reads it. */
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function storeBlob(container: BlobContainer): Promise<string> {
  const name = `${randomUUID()}/file.zip`;
  await stack.services.blobs.upload(container, name, Readable.from([Buffer.from('PK')]), { contentType: 'application/zip' });
  return name;
}

/** An export file of a job of its own, kept until `expiresAt`. */
async function insertArtifact(expiresAt: string): Promise<string> {
  const [{ id: jobId }] = await sql()<{ id: string }[]>`
    insert into jobs (type, target_id, owner_id, payload, status) values ('story-export', gen_random_uuid(), ${stack.ownerId}, '{}'::jsonb, 'Completed') returning id`;
  const blobName = await storeBlob('exports');
  await sql()`insert into artifacts (job_id, owner_id, blob_name, file_name, content_type, byte_size, expires_at)
    values (${jobId}, ${stack.ownerId}, ${blobName}, 'story.zip', 'application/zip', 2, ${expiresAt})`;
  return blobName;
}

/** An uploaded ZIP kept until `expiresAt`. */
async function insertUpload(expiresAt: string): Promise<string> {
  const blobName = await storeBlob('uploads');
  await sql()`insert into uploads (owner_id, blob_name, file_name, byte_size, expires_at) values (${stack.ownerId}, ${blobName}, 'story.zip', 2, ${expiresAt})`;
  return blobName;
}

const deletedAt = async (table: 'artifacts' | 'uploads', blobName: string) =>
  (await sql()<{ deleted: boolean }[]>`select deleted_at is not null as deleted from ${sql()(table)} where blob_name = ${blobName}`)[0].deleted;

describe('the expired-file sweep', () => {
  it('deletes export files and uploads past their retention, stamping their rows, and keeps those still retained', async () => {
    const [oldExport, freshExport] = [await insertArtifact(ago(1)), await insertArtifact(ago(-60))];
    const [oldUpload, freshUpload] = [await insertUpload(ago(1)), await insertUpload(ago(-60))];

    expect(await sweepExpiredFiles(stack.database.db, stack.services.blobs)).toEqual({ artifacts: 1, uploads: 1 });

    expect(await stack.blobsUnder('exports', '')).toEqual([freshExport]);
    expect(await stack.blobsUnder('uploads', '')).toEqual([freshUpload]);
    expect([await deletedAt('artifacts', oldExport), await deletedAt('artifacts', freshExport)]).toEqual([true, false]);
    expect([await deletedAt('uploads', oldUpload), await deletedAt('uploads', freshUpload)]).toEqual([true, false]);
    expect(await sweepExpiredFiles(stack.database.db, stack.services.blobs)).toEqual({ artifacts: 0, uploads: 0 });
  });
});
