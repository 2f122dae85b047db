import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { scripts } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> };
/** Each bench's own start-up (build check, Postgres, Azurite, API) is in here too. */
const BENCH_TIMEOUT_MS = 10 * 60_000;
/** After SIGTERM, how long a bench may take to stop what it started before it is killed. */
const STOP_GRACE_MS = 45_000;

interface BenchRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run <script>` in the repository as a user would, with `BENCH_SMOKE=1`. In its
 * own process group, so a bench that overruns is stopped (SIGTERM: it stops its Postgres,
 * Azurite and API), then killed with everything it forked.
 */
function runSmoke(script: string): Promise<BenchRun> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...benchFreeEnv(), BENCH_SMOKE: '1', NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // The group has already gone.
      }
    };
    const killTimer = setTimeout(() => group('SIGKILL'), BENCH_TIMEOUT_MS + STOP_GRACE_MS);
    const stopTimer = setTimeout(() => {
      stderr += `\n[benches.spec] ${script} still running after ${BENCH_TIMEOUT_MS / 60_000} min: SIGTERM\n`;
      group('SIGTERM');
    }, BENCH_TIMEOUT_MS);
    child.once('close', (code, signal) => {
      clearTimeout(stopTimer);
      clearTimeout(killTimer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** This process's environment without a developer's BENCH_* and WAKEUP_* knobs, which would change what a smoke run runs. */
function benchFreeEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(BENCH|WAKEUP)_/.test(name)));
}

/** The end of a run's output, for a failure message that says why. */
const tail = (run: BenchRun) => `exit ${run.signal ?? run.code}\n--- stdout ---\n${run.stdout.slice(-4_000)}\n--- stderr ---\n${run.stderr.slice(-4_000)}`;

describe('every npm run bench* script, in its smoke mode (BENCH_SMOKE=1)', () => {
  const timeout = BENCH_TIMEOUT_MS + STOP_GRACE_MS + 30_000;

  it('covers every bench script package.json names', () => {
    expect(Object.keys(scripts).filter((name) => /^bench(:|$)/.test(name)).sort()).toEqual(['bench', 'bench:files', 'bench:streams', 'bench:tabs']);
  });

  it('bench runs to its end and prints push and polling side by side', { timeout }, async () => {
    const run = await runSmoke('bench');
    expect(run.code, tail(run)).toBe(0);
    expect(run.stdout).toContain('Publish latency: job completed in the worker');
    expect(run.stdout).toMatch(/^push +\| +\d+ \|/m);
    expect(run.stdout).toMatch(/^polling +\| +\d+ \|/m);
  });

  it('bench:files runs to its end and prints every story size with its verdict', { timeout }, async () => {
    const run = await runSmoke('bench:files');
    expect(run.code, tail(run)).toBe(0);
    expect(run.stdout).toContain('export peak / HWM');
    expect(run.stdout.match(/^ +\d+ +\d+×\d+² /gm), tail(run)).toHaveLength(3);
    expect(run.stdout).toContain('Verdict: ');
  });

  it('bench:streams runs every section to its end and prints each table', { timeout }, async () => {
    const run = await runSmoke('bench:streams');
    expect(run.code, tail(run)).toBe(0);
    for (const heading of ['## 1. ', '## 2. ', '## 3. ', '## 4. The worker', '## 5. ', '## 6. ']) expect(run.stdout, heading).toContain(heading);
    expect(run.stdout).toContain('| doubled / missing (gaps) | 0 / 0 |');
    // Nothing lost or doubled beside a held transaction either, and every delivery arrived.
    expect(run.stdout).toMatch(/^\| no other transaction \| \d+ ms \| \d+ ms \| \d+ ms \| (\d+) \/ \1 \| 0 \/ 0 \|$/m);
    expect(run.stdout).toMatch(/^\| 4 sessions \| \d+ \| \d+ \| -?\d+ % \|$/m);
    expect(run.stdout).toMatch(/^\| a transaction held open \| \d+ ms \| \d+ ms \| \d+ ms \| (\d+) \/ \1 \| 0 \/ 0 \|$/m);
    expect(run.stdout).toMatch(/API still serving/);
    // Section 6: every publish completed and was timed on each transport, none doubled or skipped on push.
    expect(run.stdout).toMatch(/^\| completed \| 10 \/ 10 \/ 10 \|/m);
    expect(run.stdout).toContain('Push: 0 events doubled, 0 skipped');
    expect(run.stdout).toMatch(/^\| push: one onMyJobs stream each \| 0\.0 \|/m);
    expect(run.stdout).toMatch(/^pickup Queued → Running, p50 +\d+\.\d ms +\d+\.\d ms$/m);
  });

  it('bench:tabs times every event in 1 and in 3 tabs, all of them live on one stream, each event applied once, and times the takeovers', { timeout }, async () => {
    const run = await runSmoke('bench:tabs');
    expect(run.code, tail(run)).toBe(0);
    expect(run.stdout).toContain('## Tabs: one stream per browser');
    for (const [label, tabs] of [['1 tab', 1], ['3 tabs', 3]] as const) {
      const cells = new RegExp(`^\\| ${label} \\| (.+) \\|$`, 'm').exec(run.stdout)?.[1].split(' | ') ?? [];
      expect(cells, tail(run)).toHaveLength(11);
      const [written, shown, missing, neverApplied] = cells.slice(0, 4).map(Number);
      expect(written, label).toBe(15);
      expect(shown + missing, label).toBe(tabs * written);
      // An event may go unshown when two land in one render on a busy machine; it must still have been applied, once, in order.
      expect(neverApplied, label).toBe(0);
      expect(shown, label).toBeGreaterThanOrEqual(0.9 * tabs * written);
      expect(cells.slice(4, 7).every((cell) => /^-?\d+$/.test(cell)), label).toBe(true);
      expect(cells[7], label).toBe(`${tabs} of ${tabs}`);
      // One stream for the browser, however many tabs; every query from the last tab answered.
      expect(cells[8], label).toBe('1');
      expect(cells[10], label).toMatch(/^\d+$/);
    }
    for (const way of ['closed by the user', 'its page crashed', 'its script stopped']) {
      expect(run.stdout, way).toMatch(new RegExp(`^\\| ${way}[^|]* \\| 1 \\| \\d+ \\| \\d+ \\|$`, 'm'));
    }
  });
});
