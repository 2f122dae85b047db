import type { Readable } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';
import type { ArchiveLimits } from './archive-limits';
import { InflateBudget, type InflateTally } from './inflate-budget';
import { toArchiveError } from './to-archive-error';

/**
 * An entry's inflated bytes, counted against the limits and its CRC-32 as they arrive.
 * Anything yauzl or zlib reports comes out of the returned stream as an ArchiveError naming the entry, and
 * destroying the returned stream releases yauzl's stream (unpiped first, as yauzl asks),
 * so the file descriptor can close.
 */
export async function openCheckedEntry(zipfile: ZipFile, entry: Entry, name: string, limits: ArchiveLimits, tally: InflateTally): Promise<Readable> {
  let raw: Readable;
  try {
    raw = await zipfile.openReadStreamPromise(entry);
  } catch (error) {
    throw toArchiveError(error, name);
  }
  const { compressedSize, uncompressedSize, crc32 } = entry;
  const budget = new InflateBudget({ name, compressedSize, uncompressedSize, crc32 }, limits, tally);
  raw.on('error', (error) => budget.destroy(toArchiveError(error, name)));
  budget.once('close', () => {
    if (raw.readableEnded) return;
    raw.unpipe(budget);
    raw.destroy();
  });
  raw.pipe(budget);
  return budget;
}
