const MiB = 1024 * 1024;

/** The bounds an imported archive must keep; anything past them is refused, not trimmed. */
export interface ArchiveLimits {
  /** The ZIP file itself (the API also enforces it at upload). */
  maxArchiveBytes: number;
  /** Entries in the central directory, directories included. */
  maxEntries: number;
  /** Bytes of all entries together once inflated; counted while inflating, never taken from headers. */
  maxTotalUncompressedBytes: number;
  /** Inflated / compressed bytes of one entry, checked while inflating (past {@link RATIO_SLACK_BYTES}). */
  maxEntryRatio: number;
  /** story.json once inflated. */
  maxManifestBytes: number;
  /** One image once inflated. */
  maxMediaBytes: number;
}

/**
 * Room for 200 images of 10 MiB and a large story.json, which is the most a story may hold;
 * the ratio is far above what PNG, JPEG or ordinary prose reach and far below a zip bomb's.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = Object.freeze({
  maxArchiveBytes: 2048 * MiB,
  maxEntries: 1_000,
  maxTotalUncompressedBytes: 2048 * MiB,
  maxEntryRatio: 100,
  maxManifestBytes: 16 * MiB,
  maxMediaBytes: 10 * MiB,
});

/**
 * Below this many inflated bytes an entry may have any ratio: a tiny file of zeros or a
 * short repetitive story.json compresses far better than 100:1 and harms no one.
 */
export const RATIO_SLACK_BYTES = 1 * MiB;

/** The defaults with the caller's overrides; a limit that is not a positive number is a configuration bug. */
export function resolveArchiveLimits(overrides: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof ArchiveLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(value > 0)) throw new TypeError(`archive limit ${key} must be a positive number, got ${value}`);
    limits[key] = value;
  }
  return limits;
}

/** Whether `inflated` bytes from `compressed` ones is more than an honest file would show. */
export function exceedsRatio(inflated: number, compressed: number, maxEntryRatio: number): boolean {
  return inflated > RATIO_SLACK_BYTES && inflated > maxEntryRatio * Math.max(1, compressed);
}
