import { onShutdownSignal } from '@storyline/db/embedded';

/** Registers something a bench started, to be stopped however the bench ends. */
export type Defer = (stop: () => unknown) => void;

/** How long one registered stop may take before the next one is tried. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * Runs a bench's `body` and exits the process: 0 when it ran to its end, 1 when anything
 * in it threw, so a failing section fails `npm run bench*`. What the body registered with
 * `defer` is stopped, last first, on success, on failure and on Ctrl-C or SIGTERM, so no
 * Postgres, Azurite, API or worker process outlives the bench.
 */
export async function runBench(name: string, body: (defer: Defer) => Promise<void>): Promise<never> {
  const stops: Array<() => unknown> = [];
  let finishing: Promise<never> | undefined;
  const finish = (code: number): Promise<never> =>
    (finishing ??= (async () => {
      for (const stop of stops.reverse()) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`still stopping after ${STOP_TIMEOUT_MS / 1000} s`)), STOP_TIMEOUT_MS)));
        await Promise.race([Promise.resolve().then(stop), timeout])
          .catch((error: unknown) => console.error(`[${name}] cleanup failed:`, error))
          .finally(() => clearTimeout(timer));
      }
      process.exit(code);
    })());
  onShutdownSignal((signal) => {
    console.error(`[${name}] ${signal}: stopping`);
    void finish(signal === 'SIGINT' ? 130 : 143);
  });
  try {
    await body((stop) => stops.push(stop));
  } catch (error) {
    console.error(`[${name}] failed:`, error);
    return finish(1);
  }
  return finish(0);
}

/** Runs `stops` last first, each even when one before it failed, so one error leaves nothing behind; empties the list. */
export async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const one of stops.splice(0).reverse()) await one().catch((error: unknown) => console.error('[bench] a stop failed:', error));
}
