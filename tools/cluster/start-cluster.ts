import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ClusterOptions {
  apis: number;
  workers: number;
  databaseUrl: string;
  storageConnectionString: string;
  queuePrefix?: string;
  /** Extra environment for every worker (say, a short VISIBILITY_TIMEOUT_SEC). */
  workerEnv?: NodeJS.ProcessEnv;
  logLevel?: string;
  /** Serve the built editor from each API. */
  editorDist?: string;
}

export interface ClusterProcess {
  name: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export interface Cluster {
  apiUrls: string[];
  apis: ClusterProcess[];
  workers: ClusterProcess[];
  startWorker(): Promise<ClusterProcess>;
  stop(): Promise<void>;
}

/**
 * Runs N API and M worker processes from their built bundles (`nx build api worker`),
 * exactly as `npm start` runs one of each, against one Postgres and one storage
 * account: the shape of a scaled-out deployment.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const shared: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    AZURE_STORAGE_CONNECTION_STRING: options.storageConnectionString,
    QUEUE_PREFIX: options.queuePrefix ?? '',
    LOG_LEVEL: options.logLevel ?? 'warn',
  };
  const all: ClusterProcess[] = [];
  const launch = (name: string, app: 'api' | 'worker', env: NodeJS.ProcessEnv): ClusterProcess => {
    const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${app}/main.mjs`], {
      cwd: root,
      env: { ...shared, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const process_ = { name, child, exited };
    all.push(process_);
    return process_;
  };
  const apiUrls: string[] = [];
  const apis: ClusterProcess[] = [];
  for (let index = 0; index < options.apis; index += 1) {
    const port = await getPort();
    apiUrls.push(`http://127.0.0.1:${port}`);
    apis.push(launch(`api-${index + 1}`, 'api', { PORT: String(port), EDITOR_DIST: options.editorDist ?? 'dist/apps/editor/browser' }));
  }
  const workers: ClusterProcess[] = [];
  const startWorker = async () => {
    const worker = launch(`worker-${workers.length + 1}`, 'worker', options.workerEnv ?? {});
    workers.push(worker);
    return worker;
  };
  for (let index = 0; index < options.workers; index += 1) await startWorker();
  const stop = async () => {
    await Promise.all(
      all.map(async ({ child, exited }) => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };
  try {
    await Promise.all(apiUrls.map((url) => waitForReady(`${url}/readyz`)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrls, apis, workers, startWorker, stop };
}

async function waitForReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(url).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs / 1000} s`);
}
