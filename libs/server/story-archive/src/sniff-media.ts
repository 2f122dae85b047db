import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import type { MediaContentType } from '@storyline/contracts';

/** Enough for file-type to tell any type it knows (its own `reasonableDetectionSizeInBytes`). */
const SAMPLE_BYTES = 4100;

/**
 * What file-type reports, mapped to the types a page may hold. An animated PNG is still a
 * PNG: every PNG reader shows its default image and skips the animation chunks.
 */
const ACCEPTED: Readonly<Record<string, MediaContentType>> = {
  'image/png': 'image/png',
  'image/apng': 'image/png',
  'image/jpeg': 'image/jpeg',
};

/**
 * Content that is not a PNG or JPEG image, judged by its bytes. The message, fit for a
 * user, reads "The file <finding>"; `finding` lets a caller name the file instead.
 */
export class MediaTypeError extends Error {
  override readonly name = 'MediaTypeError';

  constructor(readonly finding: string) {
    super(`The file ${finding}`);
  }
}

/**
 * Checks an image by its first bytes (magic numbers, via file-type), never by its name.
 * Resolves with the detected type and a stream that still yields every byte, the sniffed
 * prefix included, and carries on any error of `content`; rejects with a
 * {@link MediaTypeError} when the bytes are not PNG or JPEG (and then `content` is destroyed).
 */
export async function sniffMedia(content: Readable): Promise<{ contentType: MediaContentType; content: Readable }> {
  const chunks: AsyncIterator<unknown> = content[Symbol.asyncIterator]();
  const prefix = await readPrefix(chunks);
  let contentType: MediaContentType;
  try {
    contentType = await detect(prefix);
  } catch (error) {
    content.destroy();
    throw error;
  }
  return { contentType, content: replay(prefix, content, chunks) };
}

async function detect(prefix: Buffer): Promise<MediaContentType> {
  if (prefix.length === 0) throw new MediaTypeError('is empty, so it is not a PNG or JPEG image');
  const type = await fileTypeFromBuffer(prefix.subarray(0, SAMPLE_BYTES));
  const contentType = type && ACCEPTED[type.mime];
  if (contentType) return contentType;
  throw new MediaTypeError(
    type ? `is a ${type.ext.toUpperCase()} file (${type.mime}), not a PNG or JPEG image` : 'is not a PNG or JPEG image (its type could not be recognised)',
  );
}

/** Pulls chunks until the sample is complete or the content ends; an error of the content rejects. */
async function readPrefix(chunks: AsyncIterator<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < SAMPLE_BYTES) {
    const { value, done } = await chunks.next();
    if (done) break;
    const chunk = toBuffer(value);
    parts.push(chunk);
    length += chunk.length;
  }
  return Buffer.concat(parts);
}

/**
 * The prefix, then the rest of the same iterator, so nothing is read twice or lost.
 * Destroying it destroys `source` directly: an iterator's `return()` would wait for a
 * pending read, and one that never started would release nothing.
 */
function replay(prefix: Buffer, source: Readable, chunks: AsyncIterator<unknown>): Readable {
  let head: Buffer | undefined = prefix;
  return new Readable({
    read() {
      if (head !== undefined) {
        this.push(head);
        head = undefined;
        return;
      }
      nextChunk(chunks).then(
        (chunk) => this.push(chunk),
        (error: Error) => this.destroy(error),
      );
    },
    destroy(error, callback) {
      source.destroy();
      callback(error);
    },
  });
}

/** The next non-empty chunk, or null at the end: pushing an empty chunk would stall the stream. */
async function nextChunk(chunks: AsyncIterator<unknown>): Promise<Buffer | null> {
  for (;;) {
    const { value, done } = await chunks.next();
    if (done) return null;
    const chunk = toBuffer(value);
    if (chunk.length > 0) return chunk;
  }
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('sniffMedia needs a byte stream, not an object stream');
}
