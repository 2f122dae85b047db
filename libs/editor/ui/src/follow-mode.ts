import type { Transport } from '@storyline/contracts';
import type { ConnectionState } from './connection-status';

/**
 * How a job on screen is being followed right now: `live` (pushed the moment it
 * changes), `catching-up` (the stream is reconnecting and will replay what it missed),
 * `polling` (asked for every few seconds), or `offline` (the browser has no network,
 * so nothing is heard at all).
 */
export type FollowMode = 'live' | 'catching-up' | 'polling' | 'offline';

/** The words a job card shows for each mode. */
export const FOLLOW_MODE_LABELS: Record<FollowMode, string> = {
  live: 'live',
  'catching-up': 'catching up',
  polling: 'polling',
  offline: 'offline',
};

/**
 * A job's follow mode from its type's transport and the tab's connection: a polled
 * type is polled whatever the stream does, a pushed (or shadowed) one is as live as
 * the stream, and polled while the stream is unavailable; offline beats both.
 */
export function followModeOf(transport: Transport, connection: ConnectionState): FollowMode {
  if (connection === 'offline') return 'offline';
  if (transport === 'polling' || connection === 'unavailable') return 'polling';
  return connection === 'live' ? 'live' : 'catching-up';
}
