import { isTRPCClientError } from '@trpc/client';
import { EMPTY, Observable, of, type Subscription } from 'rxjs';
import type { UserStreamMessage } from '@storyline/contracts';

/**
 * How the user stream stands: `live` while it delivers, `reconnecting` while it is
 * being (re)opened, `unavailable` once the reconnects are used up; then followed jobs
 * are polled (their `fellBack`) until the stream comes back. The header shows
 * `unavailable` as "polling", which is what the tab does meanwhile. `offline` while the
 * browser says it has no network and the stream has not shown otherwise.
 */
export type UserStreamState = 'live' | 'reconnecting' | 'unavailable' | 'offline';

/** A user stream message with the position it leaves the reader at, as `tracked()` sends it. */
export interface UserStreamEnvelope {
  id: string;
  data: UserStreamMessage;
}

/**
 * Opens one connection of the user stream. `lastEventId` is null on the first connection
 * (the server starts with a snapshot) and the last position seen on a reconnect
 * (the server sends exactly the events after it). The observable errors or
 * completes when the connection is lost.
 */
export type OpenUserStream = (lastEventId: string | null) => Observable<UserStreamEnvelope>;

/**
 * One message as it came off a connection: `position` is where it leaves the reader;
 * `connection` counts the connections of one {@link connectUserStream} (each reopen is a
 * new one) and `after` is the position that connection was opened after (null: it
 * started with a snapshot). Tabs sharing the stream judge continuity by them.
 */
export interface UserStreamFrame {
  message: UserStreamMessage;
  position: string;
  connection: number;
  after: string | null;
}

/** What {@link connectUserStream} reports: a change of connection state, or a message. */
export type UserStreamUpdate = { kind: 'state'; state: UserStreamState } | ({ kind: 'message' } & UserStreamFrame);

/** The waits between reconnect attempts; after the last one push counts as unavailable. */
export const PUSH_RETRY_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000];

/** How {@link connectUserStream} paces its attempts. */
export interface ConnectUserStreamOptions {
  retryDelaysMs?: readonly number[];
  /** While the stream is unavailable, how often to try it again. Default 30 s. */
  backgroundRetryMs?: number;
  /**
   * A connection that has said nothing this long after opening counts as failed.
   * Once data flowed, the tRPC link watches for silence itself (the server's pings
   * keep a quiet stream alive), so this only guards the opening. Default 25 s.
   */
  openTimeoutMs?: number;
  /** The position to resume after (a tab taking the stream over from another); null, the default, starts with a snapshot. */
  after?: string | null;
  /**
   * Whether the browser has a network, as it changes (emits at once; default: always).
   * Going offline drops the connection (it may linger, deaf, otherwise) and the state
   * turns `offline`; the backoff goes on (the browser may be wrong: a server on localhost
   * answers without a network), and the first message turns it `live`. Coming back
   * reconnects at once, not after a backoff.
   */
  online$?: Observable<boolean>;
  /**
   * Moments worth trying again at once (the tab came back on screen): a reconnect that
   * is waiting out its backoff is made now, so the tab catches up without delay; the
   * failures counted so far still count.
   */
  wake$?: Observable<unknown>;
}

/**
 * Keeps the tab's one user stream open for as long as it is subscribed. A lost
 * connection is reopened after 1, 2, 4, 8 and 16 s, resuming from the last position
 * seen; once data flows again the count starts over. When every attempt failed the
 * state turns `unavailable` and the stream is tried again every 30 s in the background;
 * the first message of a connection that works turns it `live` again. While `online$`
 * says the browser is offline the state is `offline`; its return reconnects at once with
 * the count started over, and each `wake$` makes a waiting attempt at once.
 */
export function connectUserStream(open: OpenUserStream, options: ConnectUserStreamOptions = {}): Observable<UserStreamUpdate> {
  const { retryDelaysMs = PUSH_RETRY_DELAYS_MS, backgroundRetryMs = 30_000, openTimeoutMs = 25_000 } = options;

  return new Observable<UserStreamUpdate>((subscriber) => {
    let lastEventId: string | null = options.after ?? null;
    let connections = 0;
    let failuresInARow = 0;
    let state: UserStreamState | null = null;
    let connection: Subscription | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** A reconnect is waiting out its delay (no connection is open or being opened). */
    let waiting = false;
    let offline = false;
    let stopped = false;

    const enter = (next: UserStreamState) => {
      if (next === state) return;
      state = next;
      subscriber.next({ kind: 'state', state: next });
    };

    const retryLater = () => {
      if (stopped) return;
      const exhausted = failuresInARow > retryDelaysMs.length;
      // Background attempts keep followed jobs polled: only a working stream ends that.
      if (offline) enter('offline');
      else if (exhausted) enter('unavailable');
      else if (state !== 'unavailable') enter('reconnecting');
      waiting = true;
      timer = setTimeout(connect, exhausted ? backgroundRetryMs : retryDelaysMs[failuresInARow - 1]);
    };

    const drop = () => {
      clearTimeout(timer);
      connection?.unsubscribe();
      connection = null;
    };

    /**
     * Reconnects now rather than when the backoff says. The network's return starts the count
     * over; a wake does not, so a tab shown again and again cannot keep a dead stream from
     * ever being called unavailable (and its jobs polled).
     */
    const reconnectNow = (startOver: boolean) => {
      drop();
      if (startOver) failuresInARow = 0;
      if (offline) enter('offline');
      else if (state !== 'unavailable') enter('reconnecting');
      connect();
    };

    const connect = () => {
      waiting = false;
      let delivered = false;
      let failed = false;
      const fail = () => {
        if (failed) return;
        failed = true;
        drop();
        failuresInARow += 1;
        retryLater();
      };
      timer = setTimeout(fail, openTimeoutMs);
      const after = lastEventId;
      const number = (connections += 1);
      const current = open(after).subscribe({
        next: ({ id, data }) => {
          lastEventId = id;
          subscriber.next({ kind: 'message', message: data, position: id, connection: number, after });
          if (delivered) return;
          delivered = true;
          clearTimeout(timer);
          failuresInARow = 0;
          // A stream that delivers proves a network, whatever the browser said.
          offline = false;
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

    const network = (options.online$ ?? of(true)).subscribe((online) => {
      if (online === !offline && state !== null) return;
      offline = !online;
      reconnectNow(true);
    });
    const wakes = (options.wake$ ?? EMPTY).subscribe(() => {
      if (waiting && !offline) reconnectNow(false);
    });
    return () => {
      stopped = true;
      network.unsubscribe();
      wakes.unsubscribe();
      drop();
    };
  });
}
