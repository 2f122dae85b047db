import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';

export interface AzuriteOptions {
  /** Folder for Azurite's data; omit to keep everything in memory. */
  location?: string;
  blobPort: number;
  queuePort: number;
  onLog?: (line: string) => void;
}

export interface RunningAzurite {
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

/** The well-known development account every Azurite accepts. */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function azuriteConnectionString(blobPort: number, queuePort: number, host = '127.0.0.1'): string {
  return (
    `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
    `BlobEndpoint=http://${host}:${blobPort}/${ACCOUNT};QueueEndpoint=http://${host}:${queuePort}/${ACCOUNT};`
  );
}

/**
 * Loaded into Azurite's process: when its parent's IPC channel closes, it stops as on
 * SIGTERM. The channel is unref'd there too, or Azurite could not exit by itself.
 */
const STOP_WITH_PARENT = `data:text/javascript,${encodeURIComponent('process.channel?.unref(); process.on("disconnect", () => process.kill(process.pid, "SIGTERM"));')}`;

/** Starts Azurite's blob and queue services as a child process and waits until both accept connections. */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('azurite/package.json'));
  const args = [
    join(root, 'dist/src/azurite.js'),
    '--blobHost', '127.0.0.1', '--blobPort', String(options.blobPort),
    '--queueHost', '127.0.0.1', '--queuePort', String(options.queuePort),
    '--tableHost', '127.0.0.1', '--tablePort', '0',
    '--skipApiVersionCheck', '--disableProductStyleUrl', '--silent',
  ];
  if (options.location) {
    await mkdir(options.location, { recursive: true });
    args.push('--location', options.location);
  } else {
    args.push('--inMemoryPersistence');
  }
  // Detached, Azurite would outlive a parent killed outright (SIGKILL, a crash): over an
  // IPC channel it learns when the parent is gone, and stops itself.
  const child = spawn(process.execPath, ['--import', STOP_WITH_PARENT, ...args], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  // The channel must not keep the parent alive on its own.
  child.channel?.unref();
  const log = options.onLog ?? (() => undefined);
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString().trim()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killed);
  };
  try {
    await Promise.all([waitForPort(options.blobPort, exited), waitForPort(options.queuePort, exited)]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { connectionString: azuriteConnectionString(options.blobPort, options.queuePort), pid: child.pid ?? -1, stop };
}

async function waitForPort(port: number, exited: Promise<void>, timeoutMs = 30_000): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`Azurite exited before listening on port ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Azurite did not listen on port ${port} within ${timeoutMs} ms`);
}
