import { finished, Readable, Transform } from 'node:stream';
import { StoryArchive, type ArchiveMedia } from '@storyline/contracts';
import { ZipFile } from 'yazl';
import { ArchiveError } from './archive-error';
import { MANIFEST_NAME } from './archive-layout';
import { RATIO_SLACK_BYTES } from './archive-limits';
import { manifestMediaProblems } from './manifest-media-problems';
import { describeIssue } from './parse-manifest';

/** What {@link writeStoryArchive} packs, and how it reports. */
export interface WriteStoryArchiveInput {
  archive: StoryArchive;
  /** Opens one image's bytes; called lazily, for one image at a time, in `archive.media` order. */
  openMedia: (media: ArchiveMedia) => Promise<NodeJS.ReadableStream | Readable>;
  /** Images packed so far, of all; the next image is opened only once this has settled. */
  onMediaWritten?: (written: number, total: number) => void | Promise<void>;
  signal?: AbortSignal;
}

/**
 * Streams a story ZIP: story.json (the pretty-printed `archive`) first, then every image
 * from `openMedia`, one at a time, so memory stays flat whatever the story's size. Images
 * are stored, not deflated: PNG and JPEG are compressed already. Everything that goes wrong
 * (an archive the reader would refuse, an `openMedia` failure, an image whose length is not
 * its `byteSize`, an abort) comes out as an 'error' on the returned stream.
 */
export function writeStoryArchive(input: WriteStoryArchiveInput): Readable {
  const zip = new ZipFile();
  // yazl makes outputStream a PassThrough; its typings only promise the old stream interface.
  const output = zip.outputStream as Readable;
  const packing: Packing = {
    zip,
    output,
    current: undefined,
    fail: (error) => {
      packing.current?.destroy();
      if (!output.destroyed) output.destroy(error as Error);
    },
  };
  zip.on('error', packing.fail);

  const archive = checkedArchive(input.archive);
  if (archive instanceof ArchiveError) {
    process.nextTick(packing.fail, archive);
    return output;
  }
  const { signal } = input;
  const onAbort = () => packing.fail(signal?.reason);
  if (signal?.aborted) process.nextTick(onAbort);
  signal?.addEventListener('abort', onAbort, { once: true });
  output.once('close', () => {
    signal?.removeEventListener('abort', onAbort);
    // The reader went away: let go of the image being read, and open no other.
    packing.current?.destroy();
  });

  const manifest = Buffer.from(`${JSON.stringify(archive, null, 2)}\n`);
  // Past the slack, a very repetitive story could deflate beyond the reader's ratio and be taken for a bomb; stored, it never is.
  zip.addBuffer(manifest, MANIFEST_NAME, { compress: manifest.length <= RATIO_SLACK_BYTES });
  addImages(packing, input, archive.media);
  return output;
}

/** One archive being written: where it goes, the image being read, and how it fails. */
interface Packing {
  zip: ZipFile;
  output: Readable;
  current: Readable | undefined;
  fail: (error: unknown) => void;
}

/**
 * Queues every image lazily: yazl asks for an image's stream only when the one before is
 * packed. Each also waits for the previous one's onMediaWritten, so progress arrives in
 * order and a failing report stops the rest; the ZIP ends once the last report settled.
 */
function addImages(packing: Packing, input: WriteStoryArchiveInput, media: ArchiveMedia[]): void {
  const { zip, output, fail } = packing;
  let previous: Promise<void> = Promise.resolve();
  media.forEach((item, index) => {
    zip.addReadStreamLazy(item.file, { compress: false }, (callback) => {
      const open = async () => {
        if (output.destroyed) return;
        const counted = await openCounted(input, item, () => {
          previous = previous.then(() => input.onMediaWritten?.(index + 1, media.length));
          if (index === media.length - 1) previous.then(() => zip.end(), fail);
        });
        // The reader may have gone while openMedia ran.
        if (output.destroyed) return void counted.destroy();
        packing.current = counted;
        counted.on('error', fail);
        callback(null, counted);
      };
      previous.then(open).catch(fail);
    });
  });
  if (media.length === 0) zip.end();
}

/** The archive as the reader will parse it, or why the reader would refuse it. */
function checkedArchive(archive: StoryArchive): StoryArchive | ArchiveError {
  const parsed = StoryArchive.safeParse(archive);
  if (!parsed.success) {
    return ArchiveError.listing(parsed.error.issues.map(describeIssue), 'The story cannot be archived');
  }
  const problems = manifestMediaProblems(parsed.data);
  return problems.length > 0 ? ArchiveError.listing(problems, 'The story cannot be archived') : parsed.data;
}

/** The image's bytes, refused unless there are exactly `byteSize` of them: that is what story.json promises the reader. */
async function openCounted(input: WriteStoryArchiveInput, media: ArchiveMedia, onEnd: () => void): Promise<Readable> {
  const opened = await input.openMedia(media);
  const source = opened instanceof Readable ? opened : new Readable().wrap(opened);
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes <= media.byteSize) return done(null, chunk);
      done(new ArchiveError(`The image ${media.file} holds more than the ${media.byteSize} bytes story.json says`));
    },
    flush(done) {
      done(bytes === media.byteSize ? null : new ArchiveError(`The image ${media.file} holds ${bytes} bytes, but story.json says ${media.byteSize}`));
    },
  });
  // finished() also reports a stream that failed before we got it, where an 'error' listener would hear nothing.
  finished(source, (error) => {
    if (error) counted.destroy(error);
  });
  counted.once('close', () => source.destroy());
  counted.once('end', onEnd);
  return source.pipe(counted);
}
