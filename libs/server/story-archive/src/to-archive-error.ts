import { ArchiveError } from './archive-error';

/** What a person is told for any structural damage yauzl finds before it knows which file is hit. */
export const NOT_A_ZIP = 'This file is not a ZIP archive or it is damaged';

/**
 * Turns what yauzl or zlib threw into an {@link ArchiveError} a user can read, keeping the
 * original as `cause`. Errors of the machine rather than the file (a failed `read`, an
 * abort) pass through untouched: they are not the archive's fault and may be retried.
 */
export function toArchiveError<T>(error: T, entryName?: string): T | ArchiveError {
  if (error instanceof ArchiveError || !(error instanceof Error)) return error;
  if (error.name === 'AbortError' || 'syscall' in error) return error;
  const detail = error.message;
  const cause = { cause: error };
  if (detail.includes('strong encryption')) return new ArchiveError('The archive holds an encrypted file, which cannot be read', cause);
  if (detail.includes('size mismatch for stored file')) {
    return new ArchiveError('The archive is damaged: the sizes it records for one of its files disagree', cause);
  }
  if (entryName === undefined) return new ArchiveError(NOT_A_ZIP, cause);
  // yauzl's validateEntrySizes: the inflated bytes are not what the central directory promised.
  if (detail.startsWith('too many bytes')) return new ArchiveError(`The archive is damaged: ${entryName} holds more data than the archive says`, cause);
  if (detail.startsWith('not enough bytes')) return new ArchiveError(`The archive is damaged: ${entryName} holds less data than the archive says`, cause);
  if (isZlibError(error)) return new ArchiveError(`The archive is damaged: ${entryName} cannot be unpacked`, cause);
  return new ArchiveError(`The archive is damaged: ${entryName} cannot be read`, cause);
}

function isZlibError(error: Error): boolean {
  return 'code' in error && typeof error.code === 'string' && error.code.startsWith('Z_');
}
