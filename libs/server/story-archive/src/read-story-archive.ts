import { stat } from 'node:fs/promises';
import { addAbortSignal, type Readable } from 'node:stream';
import type { ArchiveMedia, StoryArchive } from '@storyline/contracts';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ArchiveError } from './archive-error';
import { MANIFEST_NAME, MEDIA_TYPE_LABELS } from './archive-layout';
import { resolveArchiveLimits, type ArchiveLimits } from './archive-limits';
import { formatBytes } from './format-bytes';
import type { InflateTally } from './inflate-budget';
import { matchManifestMedia, type MediaToRead } from './match-manifest-media';
import { openCheckedEntry } from './open-checked-entry';
import { parseManifest } from './parse-manifest';
import { readArchiveDirectory } from './read-archive-directory';
import { MediaTypeError, sniffMedia } from './sniff-media';
import { toArchiveError } from './to-archive-error';

/** How {@link readStoryArchive} hands out an archive's images and reports its progress. */
export interface ReadStoryArchiveOptions {
  /** Overrides of {@link DEFAULT_ARCHIVE_LIMITS}. */
  limits?: Partial<ArchiveLimits>;
  /**
   * Takes one image, already checked by content. It must read `content` to the end; if the
   * bytes turn out bad mid-way, `content` errors with an ArchiveError, and that error is
   * what readStoryArchive rejects with, whatever onMedia makes of it.
   */
  onMedia: (media: ArchiveMedia, content: Readable) => Promise<void>;
  /** Images handed over so far, of all: once with 0 before the first, then after each. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  signal?: AbortSignal;
}

interface ReadContext {
  zipfile: ZipFile;
  limits: ArchiveLimits;
  tally: InflateTally;
  signal: AbortSignal | undefined;
}

/**
 * Reads and checks a story archive on disk (yauzl needs random access). The central
 * directory and story.json are checked in full before `onMedia` is first called, so most
 * refusals happen before any byte is handed out; then each image goes to `onMedia` in
 * archive order, one at a time. Resolves with the parsed story.json. Rejects with an
 * {@link ArchiveError} for anything hostile or broken, or with the signal's reason on abort.
 * The ZIP file is closed however it ends.
 */
export async function readStoryArchive(zipPath: string, options: ReadStoryArchiveOptions): Promise<StoryArchive> {
  const limits = resolveArchiveLimits(options.limits);
  const { signal } = options;
  signal?.throwIfAborted();
  await checkArchiveSize(zipPath, limits);
  const zipfile = await openZip(zipPath);
  const context: ReadContext = { zipfile, limits, tally: { bytes: 0 }, signal };
  try {
    const directory = await readArchiveDirectory(zipfile, limits);
    signal?.throwIfAborted();
    const archive = parseManifest(await readManifest(context, directory.manifest));
    const toRead = matchManifestMedia(archive, directory);
    await options.onProgress?.(0, toRead.length);
    for (const [index, item] of toRead.entries()) {
      signal?.throwIfAborted();
      await handOver(context, item, options.onMedia);
      await options.onProgress?.(index + 1, toRead.length);
    }
    return archive;
  } catch (error) {
    // However the abort surfaced (a destroyed stream, a failed upload), the caller asked for it.
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    zipfile.close();
  }
}

async function checkArchiveSize(zipPath: string, limits: ArchiveLimits): Promise<void> {
  const { size } = await stat(zipPath);
  if (size > limits.maxArchiveBytes) {
    throw new ArchiveError(`The archive is ${formatBytes(size)}; at most ${formatBytes(limits.maxArchiveBytes)} may be imported`);
  }
}

async function openZip(zipPath: string): Promise<ZipFile> {
  let zipfile: ZipFile;
  try {
    // Names stay raw bytes so checkEntryName sees them as they are; sizes are held to the headers.
    zipfile = await yauzl.openPromise(zipPath, { autoClose: false, decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw toArchiveError(error);
  }
  // Errors while reading reach us through entries and streams; a late one (closing the fd) must not crash the process.
  zipfile.on('error', () => undefined);
  return zipfile;
}

async function readManifest(context: ReadContext, entry: Entry): Promise<Buffer> {
  const content = await openCheckedEntry(context.zipfile, entry, MANIFEST_NAME, context.limits, context.tally);
  if (context.signal) addAbortSignal(context.signal, content);
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handOver(context: ReadContext, { media, entry }: MediaToRead, onMedia: ReadStoryArchiveOptions['onMedia']): Promise<void> {
  const checked = await openCheckedEntry(context.zipfile, entry, media.file, context.limits, context.tally);
  if (context.signal) addAbortSignal(context.signal, checked);
  const content = await sniffChecked(checked, media);
  let contentError: unknown;
  content.on('error', (error) => {
    contentError ??= error;
  });
  try {
    await onMedia(media, content);
  } catch (error) {
    // The consumer's own failure (say, an upload error) is only the echo of a bad archive.
    throw contentError ?? error;
  } finally {
    content.destroy();
  }
  if (contentError !== undefined) throw contentError;
  if (!content.readableEnded) throw new Error(`onMedia resolved before it read ${media.file} to the end`);
}

async function sniffChecked(checked: Readable, media: ArchiveMedia): Promise<Readable> {
  let sniffed: Awaited<ReturnType<typeof sniffMedia>>;
  try {
    sniffed = await sniffMedia(checked);
  } catch (error) {
    if (error instanceof MediaTypeError) throw new ArchiveError(`${media.file} ${error.finding}`, { cause: error });
    throw error;
  }
  if (sniffed.contentType !== media.contentType) {
    sniffed.content.destroy();
    const [found, listed] = [MEDIA_TYPE_LABELS[sniffed.contentType], MEDIA_TYPE_LABELS[media.contentType]];
    throw new ArchiveError(`${media.file} is a ${found} image, but story.json says it is a ${listed} image`);
  }
  return sniffed.content;
}
