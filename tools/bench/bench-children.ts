import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Every process a bench forked, killed when the bench ends however it ends. */
export const children = new Set<ChildProcess>();

export interface BenchChild {
  process: ChildProcess;
  /** Sends one command and resolves with the child's one reply; rejects if the child dies first. */
  ask<T>(message: unknown): Promise<T>;
}

/** Forks one of the bench's helper scripts (`stream-clients.ts`, `event-writer.ts`) under tsx. */
export function forkBenchChild(file: string): BenchChild {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const proc = fork(path, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' } });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return {
    process: proc,
    ask: <T>(message: unknown) =>
      new Promise<T>((resolve, reject) => {
        // A child that dies before answering fails the section instead of hanging it.
        const died = (code: number | null, signal: string | null) => reject(new Error(`${file} exited (${signal ?? code}) before answering`));
        proc.once('exit', died);
        proc.once('message', (reply) => {
          proc.off('exit', died);
          if ((reply as { error?: string }).error) reject(new Error((reply as { error: string }).error));
          else resolve(reply as T);
        });
        proc.send(message as never);
      }),
  };
}

export function killChildren(): void {
  for (const proc of children) proc.kill();
}

/** The value at percentile `p` of an ascending list (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
