import { eq } from 'drizzle-orm';
import { DomainError, DownloadLinkInput, type DownloadLink } from '@storyline/contracts';
import { artifacts } from '@storyline/db';
import { getJobFor } from '@storyline/jobs';
import { authedProcedure, router } from '../trpc';

export const filesRouter = router({
  /**
   * A fresh link to a job's file, after checking the caller is its owner or an admin.
   * The link carries a read-only SAS that expires soon; storage checks it on download.
   */
  downloadLink: authedProcedure.input(DownloadLinkInput).mutation(async ({ ctx, input }): Promise<DownloadLink> => {
    const job = await getJobFor(ctx.db, ctx.user, input.jobId);
    const [artifact] = await ctx.db.select().from(artifacts).where(eq(artifacts.jobId, job.id));
    if (!artifact || job.status !== 'Completed') throw new DomainError('CONFLICT', 'This job has no file to download (yet)');
    if (artifact.deletedAt) {
      throw new DomainError('NOT_FOUND', `This file was deleted on ${artifact.deletedAt.toISOString().slice(0, 10)}, after its retention period; export again`);
    }
    const expiresAt = new Date(Date.now() + ctx.files.downloadLinkTtlMs);
    const query = await ctx.blobs.signReadQuery('exports', artifact.blobName, {
      expiresOn: expiresAt,
      fileName: artifact.fileName,
      contentType: artifact.contentType,
    });
    return { url: `/files/downloads/${artifact.id}?${query}`, fileName: artifact.fileName, expiresAt: expiresAt.toISOString() };
  }),
});
