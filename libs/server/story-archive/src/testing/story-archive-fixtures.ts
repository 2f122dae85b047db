import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MEDIA_EXTENSIONS, STORY_ARCHIVE_SCHEMA_VERSION, type ArchiveMedia, type MediaContentType, type StoryArchive } from '@storyline/contracts';
import { ZipFile } from 'yazl';
import { ArchiveError } from '../archive-error';
import type { ArchiveLimits } from '../archive-limits';
import { readStoryArchive } from '../read-story-archive';
import { buildRawZip, type RawZipEntry } from './build-raw-zip';

/** A folder of its own for a spec's archives, removed by `cleanup`. */
export async function createScratchDir(): Promise<{ path: (name: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'story-archive-'));
  return { path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** story.json's entry for an image of these bytes. */
export function mediaFor(id: string, content: Buffer, contentType: MediaContentType = 'image/png'): ArchiveMedia {
  return { id, file: `media/${id}.${MEDIA_EXTENSIONS[contentType]}`, contentType, byteSize: content.length, fileName: `${id}.${MEDIA_EXTENSIONS[contentType]}` };
}

/** A valid story.json: one page showing every image listed. */
export function storyWith(media: ArchiveMedia[] = []): StoryArchive {
  return {
    schemaVersion: STORY_ARCHIVE_SCHEMA_VERSION,
    title: 'The fox',
    languages: ['en', 'ro'],
    pages: [{ en: 'Once upon a time', ro: 'A fost odată', media: media.map((item) => item.id) }],
    media,
  };
}

/** story.json as the writer lays it out. */
export function manifestBytes(archive: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(archive, null, 2)}\n`);
}

/** A well-formed ZIP made by yazl, entries in the order given. */
export async function writeYazlZip(path: string, entries: { name: string; data: Buffer; compress?: boolean }[]): Promise<void> {
  const zip = new ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, { compress: entry.compress ?? true });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}

/** A hand-made ZIP (see buildRawZip) written to `path`. */
export async function writeRawZip(path: string, entries: RawZipEntry[]): Promise<void> {
  await writeFile(path, buildRawZip(entries));
}

/** What became of reading an archive that should be refused. */
export interface Refusal {
  error: ArchiveError;
  /** Files handed to onMedia, in order. */
  handed: string[];
  /** Errors the consumer saw on the content streams it read. */
  contentErrors: unknown[];
}

/**
 * Reads `zipPath` with a consumer that reads every image to the end, and returns the
 * ArchiveError it was refused with; fails the test if it was accepted or failed otherwise.
 */
export async function refusalOf(zipPath: string, limits?: Partial<ArchiveLimits>): Promise<Refusal> {
  const handed: string[] = [];
  const contentErrors: unknown[] = [];
  const outcome = await readStoryArchive(zipPath, {
    limits,
    onMedia: async (media, content) => {
      handed.push(media.file);
      try {
        for await (const chunk of content) void chunk;
      } catch (error) {
        contentErrors.push(error);
        throw error;
      }
    },
  }).then(
    () => new Error('the archive was accepted'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof ArchiveError)) throw outcome;
  return { error: outcome, handed, contentErrors };
}

/**
 * How many of this process's file descriptors are open on `path`, polled until none are
 * or a second has passed (yauzl closes its descriptor asynchronously). Linux only (/proc).
 */
export async function openDescriptorsOn(path: string): Promise<number> {
  const count = async () => {
    const fds = await readdir('/proc/self/fd');
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
    return targets.filter((target) => target === path).length;
  };
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if ((await count()) === 0) return 0;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return count();
}

/** `map.get(key)`, failing the test when the key is missing rather than passing `undefined` on. */
export function mustGet<K, V>(map: Map<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`no value for ${String(key)}`);
  return value;
}
