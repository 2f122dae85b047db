/** The first pause after a look that found messages, and the start of the idle backoff. */
const FIRST_IDLE_MS = 50;
/** After a wake-up, the pauses start here and double… */
const FIRST_BURST_MS = 20;
/** …for this long: the message of a job announced by NOTIFY is sent only after its transaction committed. */
const BURST_MS = 2_000;
/** A timer may fire a millisecond early; a look due this close counts as due. */
const DUE_SLACK_MS = 5;

/** What one receive brought: how many messages, or `full` when the worker had no free slot to take one. */
export type ReceiveOutcome = number | 'full';

export interface QueuePollerOptions {
  /** Receives from the queue once. A rejection counts as an empty receive. */
  receive(): Promise<ReceiveOutcome>;
  /** Longest pause between two looks at an idle queue. */
  idleMaxMs: number;
  onError(error: unknown): void;
}

export interface QueuePoller {
  /** Looks now, then keeps looking quickly for a moment before it falls back to the idle backoff. */
  wake(): void;
  /** {@link wake} at `at` (epoch ms), when a message this worker hid becomes visible again. */
  wakeAt(at: number): void;
  /** Looks once now, when no free slot stopped the last look. */
  capacityFreed(): void;
  /** Looks once now without a burst, say after a lost wake-up channel came back. */
  look(): void;
  /** Cancels every timer and waits for a receive in flight. */
  stop(): Promise<void>;
}

interface Look {
  at: number;
  burst: boolean;
}

/**
 * Decides when one queue is received from: at once and in a short fast burst after a
 * wake-up, quickly while messages keep coming, and otherwise with a pause that doubles
 * from 50 ms to `idleMaxMs` after every empty receive. One receive is in flight at a
 * time; looks asked for meanwhile run as soon as it ends.
 */
export function createQueuePoller(options: QueuePollerOptions): QueuePoller {
  let looks: Look[] = [{ at: Date.now(), burst: false }];
  let backoffAt = Infinity;
  const firstIdleMs = Math.min(FIRST_IDLE_MS, options.idleMaxMs);
  let idleMs = firstIdleMs;
  let burstMs = FIRST_BURST_MS;
  let burstEndsAt = 0;
  let starved = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let receiving: Promise<void> | undefined;

  const arm = () => {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || receiving) return;
    const at = looks.reduce((earliest, look) => Math.min(earliest, look.at), backoffAt);
    if (!Number.isFinite(at)) return;
    timer = setTimeout(fire, Math.max(0, at - Date.now()));
  };

  const fire = () => {
    timer = undefined;
    const now = Date.now();
    const due = looks.filter((look) => look.at <= now + DUE_SLACK_MS);
    looks = looks.filter((look) => look.at > now + DUE_SLACK_MS);
    if (due.some((look) => look.burst)) {
      burstMs = FIRST_BURST_MS;
      burstEndsAt = now + BURST_MS;
    }
    receiving = receiveOnce().finally(() => {
      receiving = undefined;
      arm();
    });
  };

  const receiveOnce = async () => {
    let outcome: ReceiveOutcome = 0;
    try {
      outcome = await options.receive();
    } catch (error) {
      options.onError(error);
    }
    starved = outcome === 'full';
    const now = Date.now();
    if (typeof outcome === 'number' && outcome > 0) {
      idleMs = firstIdleMs;
      backoffAt = now + firstIdleMs;
    } else if (now < burstEndsAt) {
      backoffAt = now + burstMs;
      burstMs *= 2;
    } else {
      backoffAt = now + idleMs;
      idleMs = Math.min(idleMs * 2, options.idleMaxMs);
    }
  };

  const add = (look: Look) => {
    if (stopped) return;
    // Wake-ups arriving together need one look, not one each: a look already due fires no earlier than this one.
    const dueNow = look.at <= Date.now() + DUE_SLACK_MS;
    if (dueNow && looks.some((pending) => pending.at <= look.at && (pending.burst || !look.burst))) return;
    looks.push(look);
    arm();
  };

  arm();
  return {
    wake: () => add({ at: Date.now(), burst: true }),
    wakeAt: (at) => add({ at, burst: true }),
    capacityFreed: () => {
      if (starved) add({ at: Date.now(), burst: false });
    },
    look: () => add({ at: Date.now(), burst: false }),
    async stop() {
      stopped = true;
      looks = [];
      clearTimeout(timer);
      await receiving;
    },
  };
}
