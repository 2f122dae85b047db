import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { ArchiveError } from './archive-error';
import { exceedsRatio, type ArchiveLimits } from './archive-limits';
import { MANIFEST_NAME } from './archive-layout';
import { formatBytes } from './format-bytes';

/** The inflated bytes of a whole archive so far, shared by every entry's budget. */
export interface InflateTally {
  bytes: number;
}

/** What is wrong with an entry that inflates to `inflated` bytes from `compressed` ones, if anything. */
export function entrySizeProblem(name: string, inflated: number, compressed: number, limits: ArchiveLimits): string | undefined {
  const [maxBytes, what] = name === MANIFEST_NAME ? [limits.maxManifestBytes, 'story.json'] : [limits.maxMediaBytes, 'an image'];
  if (inflated > maxBytes) return `${name} is larger than ${formatBytes(maxBytes)}, the most ${what} may be`;
  if (exceedsRatio(inflated, compressed, limits.maxEntryRatio)) {
    return `${name} unpacks to more than ${limits.maxEntryRatio} times its packed size, so the archive looks like a zip bomb`;
  }
  return undefined;
}

/** What is wrong with an archive that inflates to `total` bytes, if anything. */
export function totalSizeProblem(total: number, limits: ArchiveLimits): string | undefined {
  const max = limits.maxTotalUncompressedBytes;
  return total > max ? `The archive unpacks to more than ${formatBytes(max)}, the most an archive may hold` : undefined;
}

/**
 * Counts an entry's bytes as they come out of the inflater and fails the moment the entry
 * or the whole archive passes its limit, or the entry's ratio turns bomb-like. Headers are
 * only a promise: this counts what really arrives, and also fails an entry that ends short
 * of the size the central directory gave it or whose bytes do not match its CRC-32 (yauzl
 * checks neither against the data). The CRC runs over each chunk as it passes, so a damaged
 * entry fails at its end, before it ends for the reader: a consumer that waits for 'end'
 * never takes the damaged bytes for whole.
 */
export class InflateBudget extends Transform {
  #inflated = 0;
  #crc = 0;

  constructor(
    private readonly entry: { name: string; compressedSize: number; uncompressedSize: number; crc32: number },
    private readonly limits: ArchiveLimits,
    private readonly tally: InflateTally,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#inflated += chunk.length;
    this.tally.bytes += chunk.length;
    const problem =
      entrySizeProblem(this.entry.name, this.#inflated, this.entry.compressedSize, this.limits) ?? totalSizeProblem(this.tally.bytes, this.limits);
    if (problem !== undefined) return done(new ArchiveError(problem));
    if (this.#inflated > this.entry.uncompressedSize) return done(this.#sizeLie('more'));
    this.#crc = crc32(chunk, this.#crc);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.#inflated < this.entry.uncompressedSize) return done(this.#sizeLie('less'));
    if (this.#crc !== this.entry.crc32) return done(new ArchiveError(`The archive is damaged: ${this.entry.name} does not match its checksum`));
    done();
  }

  #sizeLie(moreOrLess: 'more' | 'less'): ArchiveError {
    return new ArchiveError(`The archive is damaged: ${this.entry.name} holds ${moreOrLess} data than the archive says`);
  }
}
