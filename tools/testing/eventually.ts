/**
 * Waits until `condition` holds, checking every `intervalMs`; fails with `what` and
 * the last value seen when `timeoutMs` passes. For tests that wait on other processes.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  condition: (value: T) => boolean,
  what: string,
  { timeoutMs = 60_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (condition(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** {@link eventually} for a plain yes/no condition. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  await eventually(condition, Boolean, what, { timeoutMs, intervalMs: 20 });
}
