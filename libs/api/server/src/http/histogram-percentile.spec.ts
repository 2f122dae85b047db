import { describe, expect, it } from 'vitest';
import { bucketDeltas, histogramPercentile } from './histogram-percentile';

const buckets = (pairs: Array<[number, number]>) => pairs.map(([le, count]) => ({ le, count }));

describe('histogramPercentile', () => {
  it('interpolates within the bucket the rank falls in', () => {
    // 10 observations: 4 up to 0.01 s, 6 more up to 0.1 s.
    const histogram = buckets([[0.01, 4], [0.1, 10], [Infinity, 10]]);
    expect(histogramPercentile(histogram, 0.5)).toBeCloseTo(0.01 + 0.09 * (1 / 6));
    expect(histogramPercentile(histogram, 0.2)).toBeCloseTo(0.005);
  });

  it('answers the largest finite bound for a rank in the +Inf bucket', () => {
    expect(histogramPercentile(buckets([[1, 1], [5, 1], [Infinity, 10]]), 0.99)).toBe(5);
  });

  it('is null when nothing was observed', () => {
    expect(histogramPercentile(buckets([[1, 0], [Infinity, 0]]), 0.5)).toBeNull();
  });

  it('skips empty buckets below the rank', () => {
    expect(histogramPercentile(buckets([[0.1, 0], [0.5, 0], [1, 2], [Infinity, 2]]), 0.5)).toBeCloseTo(0.75);
  });
});

describe('bucketDeltas', () => {
  it('keeps only what was observed between two readings', () => {
    const before = buckets([[0.1, 3], [1, 5], [Infinity, 5]]);
    const now = buckets([[0.1, 3], [1, 9], [Infinity, 10]]);
    expect(bucketDeltas(now, before)).toEqual(buckets([[0.1, 0], [1, 4], [Infinity, 5]]));
    expect(histogramPercentile(bucketDeltas(now, before), 0.99)).toBe(1);
  });
});
