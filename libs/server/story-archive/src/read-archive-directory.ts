import type { Entry, ZipFile } from 'yauzl';
import { ArchiveError } from './archive-error';
import { MANIFEST_NAME, MEDIA_FOLDER } from './archive-layout';
import type { ArchiveLimits } from './archive-limits';
import { checkEntryName } from './check-entry-name';
import { entrySizeProblem, totalSizeProblem } from './inflate-budget';
import { toArchiveError } from './to-archive-error';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const STORED = 0;
const DEFLATED = 8;

/** The archive's central directory once it has passed every check that needs no file data. */
export interface ArchiveDirectory {
  manifest: Entry;
  /** Files under media/, by name, in archive order. */
  media: Map<string, Entry>;
}

/**
 * Reads the central directory only (no file data is inflated) and refuses the archive for
 * anything it already shows: too many entries, unsafe or duplicate names, links, encryption,
 * files that do not belong, no story.json, or sizes past the limits. Every problem found is
 * listed, not just the first. `zipfile` must be opened with `decodeStrings: false`.
 */
export async function readArchiveDirectory(zipfile: ZipFile, limits: ArchiveLimits): Promise<ArchiveDirectory> {
  // The count comes from the end record, before a single entry is read.
  if (zipfile.entryCount > limits.maxEntries) {
    const count = zipfile.entryCount.toLocaleString('en-US');
    throw new ArchiveError(`The archive holds ${count} files; at most ${limits.maxEntries.toLocaleString('en-US')} are allowed`);
  }
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const media = new Map<string, Entry>();
  let manifest: Entry | undefined;
  let total = 0;
  for (const entry of await readEntries(zipfile)) {
    const { name, problem } = checkEntryName(entry.fileNameRaw);
    const refusal = problem ?? duplicateProblem(name, seen) ?? entryProblem(name, entry);
    if (refusal !== undefined) {
      problems.push(refusal);
      continue;
    }
    if (name.endsWith('/')) continue;
    if (name === MANIFEST_NAME) manifest = entry;
    else if (name.startsWith(MEDIA_FOLDER)) media.set(name, entry);
    else {
      problems.push(`The archive holds ${name}, which does not belong in a story archive (only story.json and images under media/ do)`);
      continue;
    }
    const sizeProblem = entrySizeProblem(name, entry.uncompressedSize, entry.compressedSize, limits);
    if (sizeProblem !== undefined) problems.push(sizeProblem);
    total += entry.uncompressedSize;
  }
  if (manifest === undefined) problems.push('The archive holds no story.json, so it is not a story archive');
  const totalProblem = totalSizeProblem(total, limits);
  if (totalProblem !== undefined) problems.push(totalProblem);
  if (problems.length > 0 || manifest === undefined) throw ArchiveError.listing(problems);
  return { manifest, media };
}

async function readEntries(zipfile: ZipFile): Promise<Entry[]> {
  const entries: Entry[] = [];
  try {
    for await (const entry of zipfile.eachEntry()) entries.push(entry);
  } catch (error) {
    throw toArchiveError(error);
  }
  return entries;
}

/** Names that differ only in case are one file on Windows and macOS, so one of them would be lost or swapped. */
function duplicateProblem(name: string, seen: Map<string, string>): string | undefined {
  const key = name.toLowerCase();
  const earlier = seen.get(key);
  if (earlier === undefined) {
    seen.set(key, name);
    return undefined;
  }
  if (earlier === name) return `The archive holds ${name} more than once`;
  return `The archive holds both ${earlier} and ${name}, which most computers treat as the same name`;
}

function entryProblem(name: string, entry: Entry): string | undefined {
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return `The archive holds a link to another file, which is not allowed: ${name}`;
  if (entry.isEncrypted()) return `The archive holds an encrypted file, which cannot be read: ${name}`;
  if (!name.endsWith('/') && entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    return `The archive holds ${name} packed in a way that cannot be read (compression method ${entry.compressionMethod})`;
  }
  return undefined;
}
