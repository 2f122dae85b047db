import { extname } from 'node:path';
import type { Readable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import type { JobArtifact, JobView } from '@storyline/contracts';
import type { JobCompletion, JobReporter } from '@storyline/jobs';
import { artifacts, type Tx } from '@storyline/db';
import type { FileJobServices } from '../file-job-services';

export interface StoredFile {
  blobName: string;
  fileName: string;
  contentType: string;
  byteSize: number;
}

/**
 * The blob name of a job's output: named after the job alone (the file name a user sees
 * travels in the download's Content-Disposition), so a re-run overwrites its own file
 * even when the story was renamed between two attempts.
 */
function artifactBlobName(jobId: string, fileName: string): string {
  return `${jobId}/file${extname(fileName)}`;
}

/**
 * Streams a job's output into the exports container under the job's own folder, so a
 * redelivered job overwrites its file instead of leaving a second one.
 */
export async function storeArtifact(
  services: FileJobServices,
  job: JobView,
  file: { fileName: string; contentType: string; content: Readable; onBytes?: (bytes: number) => void; signal?: AbortSignal },
): Promise<StoredFile> {
  const blobName = artifactBlobName(job.id, file.fileName);
  const { byteSize } = await services.blobs.upload('exports', blobName, file.content, {
    contentType: file.contentType,
    onBytes: file.onBytes,
    signal: file.signal,
  });
  return { blobName, fileName: file.fileName, contentType: file.contentType, byteSize };
}

/**
 * Reports the `finalise` phase, then completes the job with the stored file recorded as
 * its artifact and `result` built on it. If either fails (the job was cancelled, the
 * database went away), the file is deleted, unless the completion did commit: then the
 * artifact row is there to say so.
 */
export async function completeWithArtifact<R extends Record<string, unknown>>(
  services: FileJobServices,
  report: JobReporter,
  job: JobView,
  stored: StoredFile,
  result: (artifact: JobArtifact) => R,
): Promise<JobCompletion> {
  try {
    await report.phase('finalise', 97);
    return await report.complete(async (tx) => result(await recordArtifact(tx, services, job, stored)));
  } catch (error) {
    const recorded = await services.db
      .select({ id: artifacts.id })
      .from(artifacts)
      .where(eq(artifacts.jobId, job.id))
      .then((rows) => rows.length > 0, () => true);
    if (!recorded) await services.blobs.delete('exports', stored.blobName).catch(() => undefined);
    throw error;
  }
}

/** Records the stored file as the job's one artifact (inside the job's completing transaction). */
async function recordArtifact(tx: Tx, services: FileJobServices, job: JobView, file: StoredFile): Promise<JobArtifact> {
  const expiresAt = new Date(Date.now() + services.exportRetentionMs);
  const values = { jobId: job.id, ownerId: job.ownerId, ...file, expiresAt, deletedAt: null };
  const [row] = await tx
    .insert(artifacts)
    .values(values)
    .onConflictDoUpdate({ target: artifacts.jobId, set: { ...values, createdAt: sql`now()` } })
    .returning();
  return { artifactId: row.id, fileName: row.fileName, byteSize: row.byteSize, contentType: row.contentType, expiresAt: row.expiresAt.toISOString() };
}

/** A file name from a story's title: letters and digits only, so every browser and file system takes it. */
export function fileNameFor(title: string, suffix: string, extension: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `${slug || 'story'}-${suffix}.${extension}`;
}
