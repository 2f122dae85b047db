/**
 * `BENCH_SMOKE=1` runs a bench through all its code paths at tiny sizes (few samples, short
 * windows, small stories, few streams), so `benches.spec.ts` can prove in `npm test` that
 * every bench still runs to its end. A smoke run's figures mean nothing.
 */
export const smokeRun = process.env['BENCH_SMOKE'] === '1';

/** The bench's real size, or its smoke run's tiny one. */
export function benchScale<T>(full: T, smoke: T): T {
  return smokeRun ? smoke : full;
}
