const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/**
 * A file size as people read it: `512 B`, `1.5 KB`, `23.4 MB`, `120 MB`. Steps of
 * 1024, one decimal below 100 (dropped when it is zero), whole numbers above.
 */
export function formatByteSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${bytes} B`;
  // Rounding 1023.96 KB to one decimal would print 1024 KB: that is the next unit's 1 MB.
  let shown = value < 100 ? Math.round(value * 10) / 10 : Math.round(value);
  if (shown >= 1024 && unit < UNITS.length - 1) {
    shown = 1;
    unit += 1;
  }
  return `${shown} ${UNITS[unit]}`;
}
