/**
 * `npm start`: the whole product on one machine. Starts an embedded Postgres and
 * Azurite (unless DATABASE_URL / AZURE_STORAGE_CONNECTION_STRING point elsewhere),
 * migrates, seeds the demo data, builds the editor, runs the API and the worker,
 * and stops all of it on Ctrl-C.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout } from 'node:timers';
import { createDatabase, migrateDatabase } from '@storyline/db';
import { onShutdownSignal } from '@storyline/db/embedded';
import { createBlobStore, createJobQueues, startAzurite } from '@storyline/storage';
import pino from 'pino';
import { readStartEnv } from './env';
import type { KeeperReply, KeeperRequest } from './postgres-keeper';
import { DEMO_USERS, seedDemoData } from './seed-demo-data';
import { seedDemoJobs } from './seed-demo-jobs';
import { seedDemoWorld } from './seed-demo-world';

const env = readStartEnv();
const startedAt = Date.now();
const dataDir = resolve(env.STORYLINE_DATA_DIR);
const stops: Array<() => Promise<unknown>> = [];
const children: ChildProcess[] = [];
let stopping: Promise<void> | undefined;
/** The editor/API/worker build while it runs. */
let building: ChildProcess | undefined;

const say = (line: string) => console.log(`[start] ${line}`);

/**
 * Stops everything once, whatever asks first: Ctrl-C, SIGTERM, a failed start or an app
 * that died. A terminal's Ctrl-C reaches this script twice (from the terminal and again
 * from npm), and an impatient user presses it again: later calls wait for the first,
 * so nothing started is ever left behind.
 */
function shutdown(code: number): Promise<void> {
  if (!stopping) {
    say('stopping…');
    stopping = stopEverything().then(() => {
      say('stopped');
      process.exit(code);
    });
  } else {
    say('already stopping; waiting for every part to stop');
  }
  return stopping;
}

async function stopEverything(): Promise<void> {
  // A SIGTERM to this script alone would otherwise wait for the whole build.
  if (building?.exitCode === null) building.kill('SIGTERM');
  // A part still starting is stopped once it is up: its stop is not registered before that.
  await started.catch(() => undefined);
  await Promise.all(children.map(stopChild));
  for (const stop of stops.reverse()) await withTimeout(stop(), 10_000).catch(() => undefined);
}

/** Thrown between start steps once a stop was asked for, so no further part starts. */
class StartInterrupted extends Error {}
function unlessStopping(): void {
  if (stopping) throw new StartInterrupted('interrupted');
}

const started = start();
started.catch((error: unknown) => {
  if (!(error instanceof StartInterrupted)) console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1);
});
onShutdownSignal(() => void shutdown(0));

async function start(): Promise<void> {
  await checkPortsFree();
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    say(`starting embedded PostgreSQL on port ${env.PG_PORT} (data in ${dataDir}/postgres)`);
    const pg = await startPostgres(`${dataDir}/postgres`, env.PG_PORT);
    stops.push(pg.stop);
    databaseUrl = pg.url;
    unlessStopping();
  }
  let storage = env.AZURE_STORAGE_CONNECTION_STRING;
  if (!storage) {
    say(`starting Azurite on ports ${env.AZURITE_BLOB_PORT} (blob) and ${env.AZURITE_QUEUE_PORT} (queue)`);
    const azurite = await startAzurite({
      location: `${dataDir}/azurite`,
      blobPort: env.AZURITE_BLOB_PORT,
      queuePort: env.AZURITE_QUEUE_PORT,
    });
    stops.push(azurite.stop);
    storage = azurite.connectionString;
    unlessStopping();
  }
  await migrateDatabase(databaseUrl);
  unlessStopping();
  const database = createDatabase(databaseUrl, { max: 2 });
  try {
    const blobs = createBlobStore({ connectionString: storage, prefix: env.QUEUE_PREFIX });
    await blobs.ensure();
    if (await seedDemoData(database.db, blobs)) {
      const queues = createJobQueues({ connectionString: storage, prefix: env.QUEUE_PREFIX });
      await queues.ensure();
      await seedDemoWorld(database.db, blobs);
      await seedDemoJobs({ db: database.db, queues, blobs, log: pino({ level: 'warn' }) });
      say('seeded a region, a hero and an epic, and queued demo jobs: a publish, an export, a region version, an epic publish and an import of a broken ZIP');
    }
  } finally {
    await database.close();
  }
  unlessStopping();

  if (env.STORYLINE_SKIP_BUILD === '0') {
    say('building the editor, the API and the worker (cached after the first time)…');
    // Not spawnSync: a Ctrl-C during the build must reach this script's handler at once.
    const build = (building = spawn(resolve('node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', 'editor,api,worker', '--outputStyle=stream'], {
      stdio: 'inherit',
      env: { ...process.env, NX_TUI: 'false' },
    }));
    const [status] = (await once(build, 'exit')) as [number | null];
    unlessStopping();
    if (status !== 0) throw new Error('the build failed');
  }

  const shared = { ...process.env, DATABASE_URL: databaseUrl, AZURE_STORAGE_CONNECTION_STRING: storage };
  children.push(runApp('worker', shared));
  children.push(runApp('api', { ...shared, PORT: String(env.PORT), HOST: env.HOST }));
  const url = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`;
  await waitForReady(`${url}/readyz`);
  unlessStopping();
  say(`ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  say(`Storyline is running at ${url}`);
  say(`log in as ${DEMO_USERS.map((user) => `${user.username} / ${user.password}`).join(',  ')}`);
  say('press Ctrl-C to stop everything');
}

/**
 * Fails at once, naming the variable to change, when a port this start would listen on is
 * taken (often by a Storyline still running), instead of a part failing later and vaguely.
 */
async function checkPortsFree(): Promise<void> {
  const wanted: Array<[string, number, string]> = [['PORT', env.PORT, env.HOST]];
  if (!env.DATABASE_URL) wanted.push(['PG_PORT', env.PG_PORT, '127.0.0.1']);
  if (!env.AZURE_STORAGE_CONNECTION_STRING) wanted.push(['AZURITE_BLOB_PORT', env.AZURITE_BLOB_PORT, '127.0.0.1'], ['AZURITE_QUEUE_PORT', env.AZURITE_QUEUE_PORT, '127.0.0.1']);
  for (const [name, port, host] of wanted) {
    const probe = createServer();
    const taken = await new Promise<boolean>((done) => {
      probe.once('error', () => done(true));
      probe.listen(port, host, () => probe.close(() => done(false)));
    });
    if (taken) throw new Error(`port ${port} (${name}) is in use, perhaps by a Storyline still running; stop it or set ${name} to a free port`);
  }
}

/**
 * Postgres, in a process group of its own (see postgres-keeper.ts): a terminal's Ctrl-C
 * must not stop it before the apps that use it. If this script dies without stopping it,
 * the keeper sees its channel close and stops Postgres itself.
 */
async function startPostgres(dir: string, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const keeper = fork(resolve('tools/start/postgres-keeper.ts'), [], { detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(keeper, 'exit');
  const stop = async () => {
    if (keeper.exitCode !== null || keeper.signalCode !== null) return;
    keeper.send('stop');
    const kill = setTimeout(() => keeper.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  };
  keeper.send({ dataDir: dir, port } satisfies KeeperRequest);
  const reply = await Promise.race([
    once(keeper, 'message') as Promise<[KeeperReply]>,
    exited.then(() => [{ error: 'the Postgres keeper exited before Postgres was up' }] as [KeeperReply]),
  ]);
  const [answer] = reply;
  if ('error' in answer) {
    await stop();
    throw new Error(answer.error);
  }
  return { url: answer.url, stop };
}

function runApp(name: 'api' | 'worker', childEnv: NodeJS.ProcessEnv): ChildProcess {
  // Own process group: Ctrl-C reaches only this script, which stops the apps in order.
  const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${name}/main.mjs`], {
    env: childEnv,
    stdio: 'inherit',
    detached: true,
  });
  child.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] the ${name} exited unexpectedly (${signal ?? code}); stopping`);
      void shutdown(1);
    }
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

async function waitForReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    unlessStopping();
    // Bounded: an API that takes the connection and never answers must not hold up a stop.
    if (await fetch(url, { signal: AbortSignal.timeout(2_000) }).then((response) => response.ok, () => false)) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** Waits for `promise` at most `ms`; the timer keeps the process alive, so a stop that hangs cannot end it silently. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
