/** Steps a time axis may take between ticks: round seconds, then round minutes, then round hours. */
const STEPS_MS = [1, 2, 5, 10, 15, 30].map((s) => s * 1_000).concat([1, 2, 5, 10, 15, 30].map((m) => m * 60_000), [1, 2, 3, 6, 12, 24].map((h) => h * 3_600_000));

/** The ticks of a time axis: when they fall, and the step between them (which decides how they are labelled). */
export interface TimeTicks {
  values: number[];
  stepMs: number;
}

/**
 * Ticks for a time axis from `minMs` to `maxMs`: at most `maxTicks` of them, at whole
 * multiples of the smallest round step that fits (every 5 s, every 2 min, …), in order.
 * An empty or reversed range has none.
 */
export function timeTicks(minMs: number, maxMs: number, maxTicks = 6): TimeTicks {
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs <= minMs) return { values: [], stepMs: STEPS_MS[0] };
  const stepMs = STEPS_MS.find((step) => (maxMs - minMs) / step < maxTicks) ?? STEPS_MS[STEPS_MS.length - 1];
  const values: number[] = [];
  for (let at = Math.ceil(minMs / stepMs) * stepMs; at <= maxMs; at += stepMs) values.push(at);
  return { values, stepMs };
}

const WITH_SECONDS = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const WITHOUT_SECONDS = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A tick's label: the local time, with seconds only where the step is under a minute. */
export function timeTickLabel(atMs: number, stepMs: number): string {
  return (stepMs < 60_000 ? WITH_SECONDS : WITHOUT_SECONDS).format(atMs);
}
