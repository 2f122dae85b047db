import { FeedPositionText } from '@storyline/contracts';

/**
 * Where a reader stands in the global event feed: the position of the last event it has.
 * Events take their positions as their transactions commit, one writer at a time
 * (migration 0009), so positions become visible in increasing order: once a reader
 * has seen position P, no event can later appear at or below P. A hole (a writer that
 * rolled back) is never filled.
 */
export type FeedPosition = number;

export const FEED_START = '0';

/** Whether `value` is a well-formed, in-range feed position. */
export function isFeedPosition(value: string): boolean {
  return FeedPositionText.safeParse(value).success;
}

export function parseFeedPosition(value: string): FeedPosition {
  if (!isFeedPosition(value)) throw new Error(`not a feed position: ${value.slice(0, 40)}`);
  return Number(value);
}

export function formatFeedPosition(position: FeedPosition): string {
  return String(position);
}

/** Negative when `a` comes before `b`. */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  return a - b;
}
