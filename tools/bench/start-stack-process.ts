import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import getPort from 'get-port';

export interface StackProcess {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Runs `npm start`'s script on free ports with a throw-away data folder, as a user would. */
export async function startStackProcess(): Promise<StackProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'storyline-bench-'));
  const port = await getPort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'tools/start/main.ts'],
    {
      // The stack's own log (warnings and errors only) goes to stderr, beside the bench's: its stdout is the bench's tables.
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: 'tsconfig.base.json',
        PORT: String(port),
        PG_PORT: String(await getPort()),
        AZURITE_BLOB_PORT: String(await getPort()),
        AZURITE_QUEUE_PORT: String(await getPort()),
        STORYLINE_DATA_DIR: dataDir,
        DATABASE_URL: '',
        AZURE_STORAGE_CONNECTION_STRING: '',
        LOG_LEVEL: 'warn',
      },
    },
  );
  child.stdout?.pipe(process.stderr);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 240_000;
  while (!(await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error('the stack did not become ready');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { baseUrl, stop };
}
