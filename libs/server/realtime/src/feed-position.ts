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

const PATTERN = /^(\d{1,20})-(\d{1,18})$/;

export function isFeedPosition(value: string): boolean {
  return PATTERN.test(value);
}

export function parseFeedPosition(value: string): FeedPosition {
  const match = PATTERN.exec(value);
  if (!match) throw new Error(`not a feed position: ${value}`);
  return { tx: BigInt(match[1]), id: Number(match[2]) };
}

export function formatFeedPosition(position: FeedPosition): string {
  return `${position.tx}-${position.id}`;
}

/** Negative when `a` comes before `b`. */
export function compareFeedPositions(a: string, b: string): number {
  const left = parseFeedPosition(a);
  const right = parseFeedPosition(b);
  if (left.tx !== right.tx) return left.tx < right.tx ? -1 : 1;
  return left.id - right.id;
}
