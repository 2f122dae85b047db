/** One bucket of a Prometheus histogram: observations at or below `le`, counted cumulatively. */
export interface HistogramBucket {
  le: number;
  count: number;
}

/** The observations made between two readings of the same histogram, bucket by bucket. */
export function bucketDeltas(now: HistogramBucket[], before: HistogramBucket[]): HistogramBucket[] {
  const earlier = new Map(before.map((bucket) => [bucket.le, bucket.count]));
  return now.map((bucket) => ({ le: bucket.le, count: Math.max(0, bucket.count - (earlier.get(bucket.le) ?? 0)) }));
}

/**
 * The `q`-quantile (0..1) of cumulative buckets, as Prometheus's `histogram_quantile`
 * estimates it: linear within the bucket the rank falls in; a rank in the `+Inf` bucket
 * answers the largest finite bound. Null when the buckets hold no observation.
 */
export function histogramPercentile(buckets: HistogramBucket[], q: number): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank && bucket.count > lowerCount) {
      if (!Number.isFinite(bucket.le)) return lowerBound;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / (bucket.count - lowerCount);
    }
    lowerBound = Number.isFinite(bucket.le) ? bucket.le : lowerBound;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
