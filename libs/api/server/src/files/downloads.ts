import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { eq } from 'drizzle-orm';
import { artifacts } from '@storyline/db';
import { z } from 'zod';
import type { Context } from '@storyline/api-router';
import { FileRequestError } from './file-error';

const ArtifactId = z.uuid();
/**
 * The parameters a read-only blob SAS may carry. Only these reach storage, so a link
 * with `&comp=…` added cannot turn the download into another storage operation.
 */
const SAS_PARAMETERS = ['sv', 'st', 'se', 'sr', 'sp', 'sip', 'spr', 'si', 'sig', 'skoid', 'sktid', 'skt', 'ske', 'sks', 'skv', 'rscc', 'rscd', 'rsce', 'rscl', 'rsct'];
const ASK_AGAIN = 'Ask for a new one with the Download button in the editor.';

/**
 * `GET /files/downloads/<artifact id>?<SAS>`: a job's file, for whoever holds a valid
 * link. The link was handed out after an owner/admin check; here storage itself checks
 * the SAS (signature, expiry, which blob), and the refusals say what happened.
 */
export async function serveDownload(ctx: Context, res: ServerResponse, rawId: string, url: URL): Promise<void> {
  const id = ArtifactId.safeParse(rawId);
  if (!id.success) throw new FileRequestError(404, 'NOT_FOUND', 'This download does not exist');
  const [artifact] = await ctx.db.select().from(artifacts).where(eq(artifacts.id, id.data));
  if (!artifact) throw new FileRequestError(404, 'NOT_FOUND', 'This download does not exist');
  if (artifact.deletedAt) {
    throw new FileRequestError(410, 'DELETED', 'This file was deleted after its retention period. Export the story again to get a new one.');
  }
  const expiry = Date.parse(url.searchParams.get('se') ?? '');
  if (!url.searchParams.get('sig') || Number.isNaN(expiry)) throw new FileRequestError(403, 'INVALID_LINK', `This download link is incomplete. ${ASK_AGAIN}`);
  if (expiry <= Date.now()) throw new FileRequestError(410, 'LINK_EXPIRED', `This download link expired at ${new Date(expiry).toISOString()}. ${ASK_AGAIN}`);

  const sas = new URLSearchParams();
  for (const name of SAS_PARAMETERS) {
    const value = url.searchParams.get(name);
    if (value !== null) sas.set(name, value);
  }
  const read = await ctx.blobs.readSigned('exports', artifact.blobName, sas.toString());
  if (!read.ok) {
    if (read.refusal === 'expired') throw new FileRequestError(410, 'LINK_EXPIRED', `This download link has expired. ${ASK_AGAIN}`);
    if (read.refusal === 'missing') throw new FileRequestError(410, 'DELETED', 'This file is no longer stored. Export the story again to get a new one.');
    throw new FileRequestError(403, 'INVALID_LINK', `This download link is not valid: it was changed, or it is for another file. ${ASK_AGAIN}`);
  }
  const headers: Record<string, string> = {
    'content-type': read.contentType ?? artifact.contentType,
    'content-disposition': read.contentDisposition ?? `attachment; filename*=UTF-8''${encodeURIComponent(artifact.fileName)}`,
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
  };
  if (read.contentLength !== undefined) headers['content-length'] = String(read.contentLength);
  res.writeHead(200, headers);
  await pipeline(read.content, res).catch(() => res.destroy());
}
