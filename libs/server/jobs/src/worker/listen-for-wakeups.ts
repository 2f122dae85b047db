import type { Logger } from 'pino';
import { JOB_WAKE_CHANNEL } from '@storyline/db';

/**
 * Subscribes to a Postgres channel the way postgres.js's `sql.listen` does: `onListen`
 * runs when the subscription holds, and again after every reconnect.
 */
export type ListenToChannel = (
  channel: string,
  onNotify: (payload: string) => void,
  onListen?: () => void,
) => Promise<{ unlisten(): Promise<void> }>;

export interface WakeupHandlers {
  /** A job of this type was started or re-sent (on another channel: that channel's payload). */
  onWake(type: string): void;
  /** The channel to listen on; {@link JOB_WAKE_CHANNEL} by default. */
  channel?: string;
  /** The channel came back after a lost connection; wake-ups may have been missed meanwhile. */
  onRelisten(): void;
  log: Logger;
}

export interface WakeupListener {
  stop(): Promise<void>;
}

/**
 * Listens on {@link JOB_WAKE_CHANNEL} (or `handlers.channel`). A lost connection never throws here: the worker's
 * idle backoff still finds the work, and postgres.js subscribes again on its own once
 * Postgres is back — even after a first attempt that failed, which is why a failure is
 * only logged and never retried here (a second subscription would double every wake-up).
 */
export function listenForWakeups(listen: ListenToChannel, handlers: WakeupHandlers): WakeupListener {
  let stopped = false;
  let listens = 0;
  let failedFirst = false;
  let subscription: { unlisten(): Promise<void> } | undefined;
  const channel = handlers.channel ?? JOB_WAKE_CHANNEL;
  const subscribed = listen(
    channel,
    (payload) => {
      if (!stopped) handlers.onWake(payload);
    },
    () => {
      listens += 1;
      if (stopped || (listens === 1 && !failedFirst)) return;
      handlers.log.info({ channel }, 'listener (re)connected; looking again at what it may have missed');
      handlers.onRelisten();
    },
  ).then(
    (subscribedTo) => (subscription = subscribedTo),
    (error: unknown) => {
      failedFirst = true;
      handlers.log.warn({ err: error, channel }, 'cannot listen yet; polling and heartbeats stand in until the listener connects');
      return undefined;
    },
  );
  return {
    async stop() {
      stopped = true;
      if (subscription) return subscription.unlisten().catch(() => undefined);
      // Still connecting: unsubscribe once it holds, without holding up the shutdown.
      void subscribed.then((late) => late?.unlisten()).catch(() => undefined);
    },
  };
}
