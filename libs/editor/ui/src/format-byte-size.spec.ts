import { describe, expect, it } from 'vitest';
import { formatByteSize } from './format-byte-size';

describe('formatByteSize', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [10 * 1024 + 100, '10.1 KB'],
    [150 * 1024, '150 KB'],
    [5 * 1024 * 1024, '5 MB'],
    [23.44 * 1024 * 1024, '23.4 MB'],
    [3.5 * 1024 ** 3, '3.5 GB'],
  ])('writes %i bytes as %s', (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
  });

  it('moves to the next unit rather than print 1024 of this one', () => {
    expect(formatByteSize(1024 * 1024 - 1)).toBe('1 MB');
  });

  it('shows a dash for a size that cannot be one', () => {
    expect(formatByteSize(-1)).toBe('—');
    expect(formatByteSize(Number.NaN)).toBe('—');
  });
});
