import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sampleProcess } from './bench-stack';

/** What one measured stretch of a worker's life cost in resident memory. */
export interface MemoryPeak<T> {
  result: T;
  /** The largest RSS sampled (every `sampleMs`). */
  peakBytes: number;
  /** The kernel's own high-water mark (VmHWM) over the stretch: no sample can miss it. */
  hwmBytes: number;
  samples: number;
}

export interface MeasuredWorker {
  pid: number;
  /** The median RSS over `ms` of idling: the worker's baseline. */
  idleRss(ms?: number): Promise<number>;
  /** Runs `work` while sampling the worker's RSS, with its high-water mark reset first. */
  measure<T>(work: () => Promise<T>): Promise<MemoryPeak<T>>;
  /** Every warning and error the worker logged, and anything it wrote to stderr. */
  problems: string[];
  stop(): Promise<void>;
}

/**
 * The built worker (`dist/apps/worker/main.mjs`) as its own process, as `npm start` runs
 * it, so the RSS read from /proc is the worker's alone. Resolves once it consumes its queues.
 */
export async function startMeasuredWorker(env: NodeJS.ProcessEnv, sampleMs = 50): Promise<MeasuredWorker> {
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/worker/main.mjs'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Info level only to see "worker consuming"; warnings and errors are kept for the report.
    env: { ...process.env, ...env, LOG_LEVEL: 'info' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const problems: string[] = [];
  let consuming!: () => void;
  const ready = new Promise<void>((resolve) => (consuming = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const entry = parseLogLine(line);
    if (entry.msg === 'worker consuming') consuming();
    if (entry.level >= 40) problems.push(`${entry.msg}${entry.err ? `: ${entry.err}` : ''}`);
  });
  createInterface({ input: child.stderr }).on('line', (line) => line.trim() && problems.push(`stderr: ${line}`));
  const pid = child.pid as number;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  };
  let timer: NodeJS.Timeout | undefined;
  const started = Promise.race([
    ready,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the worker did not start within 60 s')), 60_000))),
    exited.then(() => Promise.reject(new Error(`the worker exited during start-up:\n${problems.join('\n')}`))),
  ]);
  try {
    await started;
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return {
    pid,
    problems,
    async idleRss(ms = 1_500) {
      const samples: number[] = [];
      for (let at = 0; at < ms; at += sampleMs) {
        samples.push(sampleProcess(pid).rssBytes);
        await new Promise((resolve) => setTimeout(resolve, sampleMs));
      }
      return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    },
    async measure(work) {
      // Writing 5 to clear_refs resets VmHWM to the current RSS, so the mark is this stretch's own.
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      let peakBytes = 0;
      let samples = 0;
      const sample = () => {
        peakBytes = Math.max(peakBytes, sampleProcess(pid).rssBytes);
        samples += 1;
      };
      sample();
      const timer = setInterval(sample, sampleMs);
      try {
        const result = await work();
        sample();
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const hwmBytes = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
        return { result, peakBytes, hwmBytes, samples };
      } finally {
        clearInterval(timer);
      }
    },
    stop,
  };
}

function parseLogLine(line: string): { level: number; msg: string; err?: string } {
  try {
    const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
    return { level: entry.level ?? 30, msg: entry.msg ?? '', err: entry.err?.message };
  } catch {
    // Not pino's JSON: keep it as a problem, whatever it says.
    return { level: 40, msg: line };
  }
}
