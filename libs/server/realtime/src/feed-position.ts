import { FeedPositionText } from '@storyline/contracts';

/**
 * Where a reader stands in the global event feed: the transaction id and the row id
 * of the last event it has, written `tx-id`. Events are read in (tx, id) order and
 * only below the oldest open transaction, so an event can never commit later at a
 * position a reader has already passed.
 */
export interface FeedPosition {
  tx: bigint;
  id: number;
}

export const FEED_START = '0-0';

/** Whether `value` is a well-formed, in-range feed position. */
export function isFeedPosition(value: string): boolean {
  return FeedPositionText.safeParse(value).success;
}

export function parseFeedPosition(value: string): FeedPosition {
  if (!isFeedPosition(value)) throw new Error(`not a feed position: ${value.slice(0, 40)}`);
  const [tx, id] = value.split('-');
  return { tx: BigInt(tx), id: Number(id) };
}

export function formatFeedPosition(position: FeedPosition): string {
  return `${position.tx}-${position.id}`;
}

/** Negative when `a` comes before `b`. */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  if (a.tx !== b.tx) return a.tx < b.tx ? -1 : 1;
  return a.id - b.id;
}
