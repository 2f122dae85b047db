import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { eq } from 'drizzle-orm';
import { epics, regions, stories, uploads, users, type Db } from '@storyline/db';
import { startJob } from '@storyline/jobs';
import type { BlobStore, JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import { ZipFile } from 'yazl';

const UPLOAD_KEPT_MS = 7 * 86_400_000;

/**
 * A first start's jobs, so the editor has finished and failed work to show at once: the
 * worker publishes and exports alice's first story, takes a version of her region,
 * refuses to publish her epic (one of its stories is not published) and refuses an
 * import whose story.json is broken. They are real jobs on the real queues; the worker
 * runs them as soon as it starts.
 */
export async function seedDemoJobs(deps: { db: Db; queues: JobQueues; blobs: BlobStore; log: Logger }): Promise<void> {
  const { db } = deps;
  const [alice] = await db.select({ id: users.id }).from(users).where(eq(users.username, 'alice'));
  const [fox] = await db.select({ id: stories.id }).from(stories).where(eq(stories.title, 'The Fox and the Lantern'));
  if (!alice || !fox) return;
  await startJob(deps, { type: 'story-publish', targetId: fox.id, ownerId: alice.id, payload: { storyId: fox.id } });
  await startJob(deps, { type: 'story-export', targetId: fox.id, ownerId: alice.id, payload: { storyId: fox.id, version: null } });
  const [forest] = await db.select({ id: regions.id }).from(regions).where(eq(regions.ownerId, alice.id));
  if (forest) await startJob(deps, { type: 'region-version', targetId: forest.id, ownerId: alice.id, payload: { regionId: forest.id } });
  const [epic] = await db.select({ id: epics.id }).from(epics).where(eq(epics.ownerId, alice.id));
  if (epic) await startJob(deps, { type: 'epic-publish', targetId: epic.id, ownerId: alice.id, payload: { epicId: epic.id } });

  const uploadId = randomUUID();
  const blobName = `${alice.id}/${uploadId}.zip`;
  const zip = await brokenArchive();
  await deps.blobs.upload('uploads', blobName, Readable.from([zip]), { contentType: 'application/zip' });
  await db.insert(uploads).values({
    id: uploadId,
    ownerId: alice.id,
    blobName,
    fileName: 'half-finished.zip',
    byteSize: zip.length,
    expiresAt: new Date(Date.now() + UPLOAD_KEPT_MS),
  });
  const storyId = randomUUID();
  await startJob(deps, { type: 'story-import', targetId: storyId, ownerId: alice.id, payload: { uploadId, storyId, fileName: 'half-finished.zip' } });
}

/** A ZIP whose story.json has no title and a page without text: an import the worker refuses, saying why. */
async function brokenArchive(): Promise<Buffer> {
  const zip = new ZipFile();
  const manifest = { schemaVersion: 1, languages: ['en', 'ro'], pages: [{ en: 42, ro: 'Un început' }] };
  zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), 'story.json');
  zip.end();
  return buffer(zip.outputStream);
}
