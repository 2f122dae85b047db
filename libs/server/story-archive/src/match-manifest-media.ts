import type { ArchiveMedia, StoryArchive } from '@storyline/contracts';
import type { Entry } from 'yauzl';
import { ArchiveError } from './archive-error';
import type { ArchiveDirectory } from './read-archive-directory';
import { manifestMediaProblems } from './manifest-media-problems';

/** One image to hand out: what story.json says of it, and where its bytes are. */
export interface MediaToRead {
  media: ArchiveMedia;
  entry: Entry;
}

/**
 * Pairs story.json's media list with the archive's files under media/, refusing a listed
 * image the archive lacks, a file story.json does not list, and a `byteSize` that differs
 * from the entry's size. An unlisted file is refused rather than skipped: our exports never
 * hold one, so it means a hand-edited or crafted archive, and the person importing it
 * should learn that something in it would not arrive. Returns the images in archive order.
 */
export function matchManifestMedia(archive: StoryArchive, directory: ArchiveDirectory): MediaToRead[] {
  const problems = manifestMediaProblems(archive);
  const listed = new Map(archive.media.map((media) => [media.file, media]));
  for (const media of archive.media) {
    const entry = directory.media.get(media.file);
    if (entry === undefined) problems.push(`story.json names ${media.file}, which the archive lacks`);
    else if (entry.uncompressedSize !== media.byteSize) {
      problems.push(`story.json says ${media.file} holds ${media.byteSize} bytes, but the archive holds ${entry.uncompressedSize}`);
    }
  }
  const toRead: MediaToRead[] = [];
  for (const [name, entry] of directory.media) {
    const media = listed.get(name);
    if (media === undefined) problems.push(`The archive holds ${name}, which story.json does not list`);
    else toRead.push({ media, entry });
  }
  if (problems.length > 0) throw ArchiveError.listing(problems);
  return toRead;
}
