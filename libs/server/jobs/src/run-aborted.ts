import { JobTimedOutError } from './job-handler';

/**
 * Resolves with `work`, or rejects as soon as `signal` aborts, whichever comes first; a
 * run timeout rejects with {@link JobTimedOutError}.
 */
export function runAborted<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(signal.reason instanceof DOMException && signal.reason.name === 'TimeoutError' ? new JobTimedOutError(timeoutMs) : signal.reason);
    // Settle on `work` first, so that its rejection is handled even when the signal has already aborted.
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
