import { LogPositionText } from '@storyline/contracts';

/**
 * Where a reader stands in the event log (`job_events` in `position` order): the position of the last event it has.
 * Events take their positions as their transactions commit, one writer at a time
 * (migration 0009), so positions become visible in increasing order: once a reader
 * has seen position P, no event can later appear at or below P. A hole (a writer that
 * rolled back) is never filled.
 */
export type LogPosition = number;

export const LOG_START = '0';

/** Whether `value` is a well-formed, in-range log position. */
export function isLogPosition(value: string): boolean {
  return LogPositionText.safeParse(value).success;
}

export function parseLogPosition(value: string): LogPosition {
  if (!isLogPosition(value)) throw new Error(`not a log position: ${value.slice(0, 40)}`);
  return Number(value);
}

export function formatLogPosition(position: LogPosition): string {
  return String(position);
}

/** Negative when `a` comes before `b`. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  return a - b;
}
