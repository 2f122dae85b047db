import type { JobType } from '@storyline/contracts';
import type { JobQueues, ReceivedJobMessage } from '@storyline/storage';
import type { Logger } from 'pino';

/**
 * A received message while this worker holds it, and the one keeper of its pop receipt,
 * which every renewal of its visibility replaces. Every queue operation on the message
 * goes through here, so none can be made with a receipt a renewal is about to replace.
 */
export interface MessageLease {
  readonly type: JobType;
  /** The message as received, carrying its current pop receipt. */
  readonly message: ReceivedJobMessage;
  /** When the message becomes visible again unless renewed (epoch ms). */
  readonly visibleAt: number;
  /** Renews the message's visibility every third of the timeout, while its job runs. */
  keepHidden(): void;
  /**
   * Stops renewing and waits for a renewal in flight. Storage has then given the message
   * its last receipt, so the delete or hide that follows does not fail for holding an old one
   * (a renewal answered after a job completed once made the worker retry a finished job).
   */
  stopRenewing(): Promise<void>;
  /** Deletes the message: its job is done with, one way or another. */
  delete(): Promise<void>;
  /** Makes the message visible again in `seconds`. */
  hide(seconds: number): Promise<void>;
  /** Moves the message to its queue's poison queue. */
  poison(): Promise<void>;
}

/** Holds `received`, hidden for `visibilityTimeoutSec` from now, taken from `type`'s queue. */
export function createMessageLease(
  queues: JobQueues,
  type: JobType,
  received: ReceivedJobMessage,
  options: { visibilityTimeoutSec: number; log: Logger },
): MessageLease {
  const { visibilityTimeoutSec, log } = options;
  let message = received;
  let visibleAt = Date.now() + visibilityTimeoutSec * 1000;
  let renewer: NodeJS.Timeout | undefined;
  let renewal: Promise<void> | undefined;

  const renew = () => {
    // Each renewal needs the receipt the one before answered with: never two at once.
    if (renewal) return;
    renewal = queues
      .hide(type, message, visibilityTimeoutSec)
      .then((popReceipt) => {
        message = { ...message, popReceipt };
        visibleAt = Date.now() + visibilityTimeoutSec * 1000;
      })
      .catch((error: unknown) => log.warn({ err: error }, 'could not renew message visibility'))
      .finally(() => (renewal = undefined));
  };
  const stopRenewing = async () => {
    clearInterval(renewer);
    renewer = undefined;
    await renewal;
  };

  return {
    type,
    get message() {
      return message;
    },
    get visibleAt() {
      return visibleAt;
    },
    keepHidden() {
      renewer ??= setInterval(renew, (visibilityTimeoutSec * 1000) / 3);
    },
    stopRenewing,
    async delete() {
      await stopRenewing();
      await queues.delete(type, message);
    },
    async hide(seconds) {
      await stopRenewing();
      await queues.hide(type, message, seconds);
    },
    async poison() {
      await stopRenewing();
      await queues.poison(type, message.text);
      await queues.delete(type, message);
    },
  };
}
