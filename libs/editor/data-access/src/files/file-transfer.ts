import { DOCUMENT, inject, Injectable } from '@angular/core';
import type { JobStarted, MediaView } from '@storyline/contracts';
import { injectTrpc } from '../api/provide-trpc';
import { FileRequestError, uploadFile, type UploadFileOptions } from './upload-file';

/**
 * Files to and from the API. Uploads go to the plain-HTTP `/files/…` routes (same
 * origin, so the session cookie rides along) with progress; downloads ask tRPC for
 * a fresh short-lived link each time and hand it to the browser to save.
 */
@Injectable({ providedIn: 'root' })
export class FileTransfer {
  private readonly trpc = injectTrpc();
  private readonly document = inject(DOCUMENT);

  /** Adds an image to a story's media; the server checks its type by content. */
  async uploadMedia(storyId: string, file: File, options: UploadFileOptions = {}): Promise<MediaView> {
    const body = await uploadFile(`/files/media?storyId=${encodeURIComponent(storyId)}`, file, options);
    const media = (body as { media?: MediaView } | null)?.media;
    if (!media?.id) throw unreadable();
    return media;
  }

  /** Uploads a story ZIP; the import itself runs as a `story-import` job. */
  async uploadImport(file: File, options: UploadFileOptions = {}): Promise<JobStarted> {
    const body = (await uploadFile('/files/imports', file, options)) as Partial<JobStarted> | null;
    if (typeof body?.jobId !== 'string') throw unreadable();
    return { jobId: body.jobId, status: 'Queued' };
  }

  /**
   * Saves a job's file: a new link every time, since links expire within minutes.
   * Rejects with the server's reason, such as the file having been deleted after its retention period.
   */
  async download(jobId: string): Promise<void> {
    const link = await this.trpc.files.downloadLink.mutate({ jobId });
    const anchor = this.document.createElement('a');
    anchor.href = link.url;
    anchor.download = link.fileName;
    anchor.hidden = true;
    this.document.body.append(anchor);
    anchor.click();
    anchor.remove();
  }
}

function unreadable(): FileRequestError {
  return new FileRequestError('The server sent an answer the editor cannot read', 200, 'BAD_RESPONSE');
}
