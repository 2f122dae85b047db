import { isTRPCClientError } from '@trpc/client';
import { Observable, type Subscription } from 'rxjs';
import type { JobFeedMessage } from '@storyline/contracts';

/**
 * How the tab hears of its jobs: `live` over the feed stream, `reconnecting` while
 * the stream is being (re)opened, `polling` once the reconnects are used up and
 * watched jobs are polled until the stream comes back.
 */
export type FeedConnectionState = 'live' | 'reconnecting' | 'polling';

/** A feed message with the position it leaves the reader at, as `tracked()` sends it. */
export interface FeedEnvelope {
  id: string;
  data: JobFeedMessage;
}

/**
 * Opens one connection of the feed. `lastEventId` is null on the first connection
 * (the server starts with a snapshot) and the last position seen on a reconnect
 * (the server sends exactly the events after it). The observable errors or
 * completes when the connection is lost.
 */
export type OpenJobFeed = (lastEventId: string | null) => Observable<FeedEnvelope>;

/** What {@link connectJobFeed} reports: a change of connection state, or a message. */
export type JobFeedUpdate = { kind: 'state'; state: FeedConnectionState } | { kind: 'message'; message: JobFeedMessage };

/** The waits between reconnect attempts; after the last one push counts as unavailable. */
export const PUSH_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

/** How {@link connectJobFeed} paces its attempts. */
export interface ConnectJobFeedOptions {
  retryDelaysMs?: readonly number[];
  /** While polling, how often to try the stream again. Default 30 s. */
  backgroundRetryMs?: number;
  /**
   * A connection that has said nothing this long after opening counts as failed.
   * Once data flowed, the tRPC link watches for silence itself (the server's pings
   * keep a quiet stream alive), so this only guards the opening. Default 25 s.
   */
  openTimeoutMs?: number;
}

/**
 * Keeps the tab's one feed stream open for as long as it is subscribed. A lost
 * connection is reopened after 1, 2, 4, 8 and 16 s, resuming from the last position
 * seen; once data flows again the count starts over. When every attempt failed the
 * state turns `polling` and the stream is tried again every 30 s in the background;
 * the first message of a connection that works turns it `live` again.
 */
export function connectJobFeed(open: OpenJobFeed, options: ConnectJobFeedOptions = {}): Observable<JobFeedUpdate> {
  const { retryDelaysMs = PUSH_RETRY_DELAYS_MS, backgroundRetryMs = 30_000, openTimeoutMs = 25_000 } = options;

  return new Observable<JobFeedUpdate>((subscriber) => {
    let lastEventId: string | null = null;
    let failuresInARow = 0;
    let state: FeedConnectionState | null = null;
    let connection: Subscription | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const enter = (next: FeedConnectionState) => {
      if (next === state) return;
      state = next;
      subscriber.next({ kind: 'state', state: next });
    };

    const retryLater = () => {
      if (stopped) return;
      const exhausted = failuresInARow > retryDelaysMs.length;
      // Background attempts keep the watches polling: only a working stream ends that.
      if (exhausted) enter('polling');
      else if (state !== 'polling') enter('reconnecting');
      timer = setTimeout(connect, exhausted ? backgroundRetryMs : retryDelaysMs[failuresInARow - 1]);
    };

    const connect = () => {
      let delivered = false;
      let failed = false;
      const fail = () => {
        if (failed) return;
        failed = true;
        clearTimeout(timer);
        connection?.unsubscribe();
        connection = null;
        failuresInARow += 1;
        retryLater();
      };
      timer = setTimeout(fail, openTimeoutMs);
      const current = open(lastEventId).subscribe({
        next: ({ id, data }) => {
          lastEventId = id;
          subscriber.next({ kind: 'message', message: data });
          if (delivered) return;
          delivered = true;
          clearTimeout(timer);
          failuresInARow = 0;
          enter('live');
        },
        error: (error: unknown) => {
          // A position the server cannot resume from (say, after its database was restored) is
          // refused as a bad request: start afresh with a snapshot rather than ask again for ever.
          if (isTRPCClientError(error) && error.data?.code === 'BAD_REQUEST') lastEventId = null;
          fail();
        },
        // The server ends the stream only when it shuts down; for us that is a lost connection.
        complete: fail,
      });
      // A connection may fail while it is being opened, before `current` exists.
      if (failed) current.unsubscribe();
      else connection = current;
    };

    enter('reconnecting');
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      connection?.unsubscribe();
    };
  });
}
