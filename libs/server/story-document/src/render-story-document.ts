import { Readable } from 'node:stream';
import type { StoryLanguage } from '@storyline/contracts';
import { checkImage } from './check-image';
import { loadDocumentFonts } from './document-fonts';
import { documentLabels } from './document-labels';
import { StoryPdf } from './story-pdf';

/** The largest image a document embeds; a larger one is left out with a warning. */
export const MAX_DOCUMENT_IMAGE_BYTES = 10 * 1024 * 1024;

/** An image of a story page, read only when the renderer reaches it, so one image is in memory at a time. */
export interface DocumentImage {
  contentType: 'image/png' | 'image/jpeg';
  read: () => Promise<Buffer>;
}

/** One story page: its text in the document's language, then its images. */
export interface DocumentPage {
  text: string;
  images: DocumentImage[];
}

/** What {@link renderStoryDocument} renders, and how it reports back. */
export interface StoryDocumentInput {
  title: string;
  language: StoryLanguage;
  pages: DocumentPage[];
  /** Called after each story page is rendered (1-based), awaited before the next; the job reports progress from it. */
  onPage?: (rendered: number, total: number) => void | Promise<void>;
  /**
   * Called when an image cannot be shown (its read rejected, it is too large, or it is not a PNG or JPEG
   * pdfkit can embed); the document gets a placeholder in its place and goes on. The message names the
   * story page and image.
   */
  onWarning?: (message: string) => void;
  /** Aborting stops rendering and errors the stream with the signal's reason. */
  signal?: AbortSignal;
  metadata?: { author?: string; subject?: string };
  /** How many bytes may wait unread in the stream before rendering pauses; 64 KiB unless told. */
  highWaterMark?: number;
}

/**
 * Streams a PDF: a title page (title, language name, page count), then each story page's text (wrapped,
 * flowing onto more PDF pages when long) followed by its images, each at its natural size at 96 dpi but no
 * wider than the text nor taller than two thirds of it, on the same PDF page when it fits there. The stream
 * respects backpressure: rendering waits while the consumer has not read what was produced (wait on the
 * stream's own events, never a timer), so a slow blob upload keeps memory flat.
 *
 * Each story page starts a new PDF page; PDF pages after the title page carry their number in the footer.
 * The stream errors when `signal` aborts, when `onPage` or `onWarning` throws, or when rendering fails;
 * destroying the stream stops rendering.
 */
export function renderStoryDocument(input: StoryDocumentInput): Readable {
  // One signal rendering obeys: the caller's abort, the consumer's destroy, or rendering's own failure.
  const stopped = new AbortController();
  const { signal } = stopped;
  let wake: (() => void) | undefined;
  const output = new Readable({
    highWaterMark: input.highWaterMark ?? 64 * 1024,
    // The consumer wants more: the one event rendering waits on when it is ahead.
    read: () => wake?.(),
    destroy: (error, callback) => {
      if (!output.readableEnded) stopped.abort(error ?? new Error('The story document stream was closed before the document was complete'));
      callback(error);
    },
  });
  signal.addEventListener(
    'abort',
    () => {
      // Errors the stream at once, even while rendering is inside a read or an `onPage` that has yet to settle.
      output.destroy(toError(signal.reason));
      wake?.();
    },
    { once: true },
  );
  // Linked by hand rather than with AbortSignal.any, so that a long-lived caller signal (one per worker,
  // say) holds nothing of a document once its stream has closed.
  const callerAborted = () => stopped.abort(input.signal?.reason);
  if (input.signal?.aborted) callerAborted();
  input.signal?.addEventListener('abort', callerAborted, { once: true });
  output.once('close', () => input.signal?.removeEventListener('abort', callerAborted));

  /** Resolves once the unread bytes are below the high-water mark; rejects when rendering is to stop. */
  const room = async (pdf: StoryPdf): Promise<void> => {
    // Bytes still inside pdfkit's own stream count too: they reach `output` on its next tick.
    while (output.readableLength + pdf.doc.readableLength >= output.readableHighWaterMark && !signal.aborted) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    signal.throwIfAborted();
  };

  render(input, signal, room, output).catch((error: unknown) => output.destroy(toError(error)));
  return output;
}

async function render(input: StoryDocumentInput, signal: AbortSignal, room: (pdf: StoryPdf) => Promise<void>, output: Readable): Promise<void> {
  const fonts = await abortable(loadDocumentFonts(), signal);
  const labels = documentLabels(input.language);
  const pdf = new StoryPdf({ title: input.title, author: input.metadata?.author, subject: input.metadata?.subject }, labels, fonts);
  pdf.doc.on('data', (chunk: Buffer) => {
    if (!output.destroyed) output.push(chunk);
  });
  pdf.doc.on('end', () => output.push(null));
  pdf.doc.on('error', (error: Error) => output.destroy(error));

  const total = input.pages.length;
  pdf.titlePage(input.title, input.metadata?.author, total);
  for (const [index, page] of input.pages.entries()) {
    await room(pdf);
    pdf.startStoryPage(index + 1, total);
    const hasText = page.text.trim() !== '';
    if (hasText) pdf.text(page.text);
    else if (page.images.length === 0) pdf.emptyPageNote();
    for (const [imageIndex, image] of page.images.entries()) {
      await room(pdf);
      await drawImage(pdf, image, `Story page ${index + 1}, image ${imageIndex + 1} (${image.contentType})`, input, signal);
    }
    signal.throwIfAborted();
    await input.onPage?.(index + 1, total);
    signal.throwIfAborted();
  }
  pdf.end();
}

/** Draws one image, or a placeholder and a warning when it cannot be read or embedded. */
async function drawImage(pdf: StoryPdf, image: DocumentImage, name: string, input: StoryDocumentInput, signal: AbortSignal): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await abortable(image.read(), signal);
  } catch (error) {
    signal.throwIfAborted();
    return skipImage(pdf, input, `${name} could not be read: ${messageOf(error)}`);
  }
  if (bytes.length > MAX_DOCUMENT_IMAGE_BYTES) {
    return skipImage(pdf, input, `${name} is ${bytes.length} bytes, more than the ${MAX_DOCUMENT_IMAGE_BYTES} a document image may have`);
  }
  try {
    await checkImage(bytes);
    await pdf.image(bytes, signal);
  } catch (error) {
    signal.throwIfAborted();
    skipImage(pdf, input, `${name} could not be decoded: ${messageOf(error)}`);
  }
}

function skipImage(pdf: StoryPdf, input: StoryDocumentInput, message: string): void {
  pdf.imagePlaceholder();
  input.onWarning?.(message);
}

/** The promise's outcome, or the abort reason as soon as the signal aborts; the promise itself cannot be cancelled. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

// pdfkit throws strings for some broken JPEGs.
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
