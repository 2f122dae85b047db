import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm start` under a terminal, stopped with Ctrl-C: the terminal signals the whole
 * foreground group (npm, the start script, Postgres) and npm forwards the signal to the
 * script again. Whenever it comes, nothing may be left running.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let dataDir: string;
let ports: { PORT: number; PG_PORT: number; AZURITE_BLOB_PORT: number; AZURITE_QUEUE_PORT: number };
const started: ChildProcess[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'storyline-start-'));
  ports = { PORT: await getPort(), PG_PORT: await getPort(), AZURITE_BLOB_PORT: await getPort(), AZURITE_QUEUE_PORT: await getPort() };
});
afterAll(async () => {
  // Whatever a failed test left behind goes, so the next run finds its ports free.
  for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
  for (const child of started) if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

interface Start {
  child: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

/** `npm start` as its own process group, as a terminal runs it in the foreground. */
function npmStart(): Start {
  const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])) };
  const child = spawn('npm', ['start'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, STORYLINE_DATA_DIR: dataDir, STORYLINE_SKIP_BUILD: '1', LOG_LEVEL: 'warn' },
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // 'close': npm has ended and so has everything holding its output (the start script).
  return { child, output: () => output, exited: once(child, 'close') };
}

async function waitForOutput(start: Start, text: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!start.output().includes(text)) {
    if (start.child.exitCode !== null) throw new Error(`npm start exited before "${text}":\n${start.output()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs / 1000} s:\n${start.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ctrl-C: SIGINT to every process of the group, then waits for npm to end. */
async function pressCtrlC(start: Start): Promise<void> {
  process.kill(-(start.child.pid ?? 0), 'SIGINT');
  await Promise.race([
    start.exited,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`npm start still running 60 s after Ctrl-C:\n${start.output()}`)), 60_000)),
  ]);
}

/** Pids of live processes whose command line or environment names `text` (our data folder). */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const named = await Promise.all(
      ['cmdline', 'environ'].map((file) => readFile(`/proc/${pid}/${file}`, 'latin1').then((content) => content.includes(text), () => false)),
    );
    const state = await readFile(`/proc/${pid}/stat`, 'latin1').catch(() => '');
    if (named.some(Boolean) && !/\) Z /.test(state)) pids.push(pid);
  }
  return pids;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function expectNothingRunning(start: Start): Promise<void> {
  expect(await processesMentioning(dataDir), start.output()).toEqual([]);
  for (const port of Object.values(ports)) expect(await portAnswers(port), `port ${port} still answers`).toBe(false);
  expect(start.output()).toContain('[start] stopped');
  // The apps stopped while their database was still up (Postgres goes last): nothing lost it.
  expect(start.output()).not.toMatch(/CONNECTION_(CLOSED|ENDED|DESTROYED)|ECONNREFUSED|"level":50/);
}

describe('npm start stopped with Ctrl-C', () => {
  it('leaves nothing running, 5 times in a row', async () => {
    for (let round = 1; round <= 5; round++) {
      const start = npmStart();
      await waitForOutput(start, 'press Ctrl-C to stop everything');
      expect(await portAnswers(ports.PORT)).toBe(true);
      await pressCtrlC(start);
      await expectNothingRunning(start);
    }
  }, 600_000);

  it('stops what is starting when Ctrl-C comes while Azurite starts', async () => {
    const start = npmStart();
    await waitForOutput(start, 'starting Azurite');
    await pressCtrlC(start);
    await expectNothingRunning(start);
    expect(start.output()).not.toContain('Storyline is running');
  }, 180_000);

  it('refuses to start on a taken port, naming the variable to change, and leaves nothing running', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.AZURITE_QUEUE_PORT, '127.0.0.1', resolve));
    try {
      const start = npmStart();
      await Promise.race([start.exited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
      expect(start.child.exitCode, 'npm start should have exited').not.toBeNull();
      expect(start.child.exitCode).not.toBe(0);
      expect(start.output()).toContain(`port ${ports.AZURITE_QUEUE_PORT} (AZURITE_QUEUE_PORT) is in use`);
      expect(await processesMentioning(dataDir)).toEqual([]);
      expect(start.output()).not.toContain('starting embedded PostgreSQL');
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 90_000);
});
