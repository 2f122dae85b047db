import { describe, expect, it } from 'vitest';
import { formatDuration } from './job-handler';

describe('a duration as a person says it', () => {
  it('uses the unit a reader expects', () => {
    expect(formatDuration(300)).toBe('300 ms');
    expect(formatDuration(90_000)).toBe('90 s');
    expect(formatDuration(5 * 60_000)).toBe('5 min');
    expect(formatDuration(15 * 60_000)).toBe('15 min');
    expect(formatDuration(150 * 60_000)).toBe('2 h 30 min');
    expect(formatDuration(3 * 3_600_000)).toBe('3 h');
  });
});
