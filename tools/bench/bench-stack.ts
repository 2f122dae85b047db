import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import getPort from 'get-port';
import { createTestDatabase, prepareTemplateDatabase, type TestDatabase } from '@storyline/db/testing';
import { upsertUser } from '@storyline/api-router';
import { stopAll } from './run-bench';
import { startThrowawayAzurite, startThrowawayPostgres } from '../testing/start-throwaway-services';

export interface BenchStack {
  database: TestDatabase;
  /** The Postgres server's maintenance database, for a section that needs a database of its own. */
  adminUrl: string;
  storage: string;
  api: { pid: number; baseUrl: string };
  /** `count` users, each with a session cookie and one running job. */
  createUsers(count: number, prefix: string): Promise<Array<{ userId: string; cookie: string; jobId: string }>>;
  /** Statements the API process has sent to Postgres so far (its `storyline_db_queries_total`). */
  apiQueries(): Promise<number>;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Postgres server settings a section needs (`track_commit_timestamp`, say); none by default. */
  postgresSettings?: Record<string, string>;
  /** Builds the editor too and has the API serve it at its base URL, as `npm start` does; off by default. */
  editor?: boolean;
}

/** Where `nx run editor:build` puts the editor the API serves. */
const EDITOR_DIST = 'dist/apps/editor/browser';

/**
 * Real Postgres and Azurite on free ports, and the built API as its own process, as `npm start`
 * runs it (with the built editor when `options.editor`). A start that fails half-way stops what it had started.
 */
export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  build('api');
  if (options.editor) {
    build('editor');
    // The API serves nothing, silently, from a folder that is not there.
    if (!existsSync(resolve(EDITOR_DIST, 'index.html'))) throw new Error(`the editor build left no ${EDITOR_DIST}/index.html`);
  }
  const stops: Array<() => Promise<void>> = [];
  const stop = () => stopAll(stops);
  try {
    return await startStack(options, stops, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

function build(project: 'api' | 'editor'): void {
  const run = spawnSync(resolve('node_modules/.bin/nx'), ['run', `${project}:build`, '--outputStyle=stream'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  if (run.status !== 0) throw new Error(`building the ${project === 'api' ? 'API' : 'editor'} failed`);
}

async function startStack(options: BenchStackOptions, stops: Array<() => Promise<void>>, stop: () => Promise<void>): Promise<BenchStack> {
  const pg = await startThrowawayPostgres({ settings: options.postgresSettings });
  stops.push(pg.stop);
  const azurite = await startThrowawayAzurite();
  stops.push(azurite.stop);
  await prepareTemplateDatabase(pg.adminUrl);
  const database = await createTestDatabase(pg.adminUrl);
  stops.push(database.destroy);
  const port = await getPort();
  // BENCH_API_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the API process.
  const nodeArgs = (process.env['BENCH_API_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'dist/apps/api/main.mjs'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      EDITOR_DIST: options.editor ? resolve(EDITOR_DIST) : '/nonexistent',
      STREAMS_MAX: '20000',
      STREAMS_PER_USER_MAX: '1000',
    },
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  stops.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the API did not become ready');
    await new Promise((done) => setTimeout(done, 200));
  }
  // One real Argon2id hash, copied to every bench user: hashing thousands would only time Argon2.
  const template = await upsertUser(database.db, { username: 'bench-template', password: 'bench-password', role: 'user' });
  return {
    database,
    adminUrl: pg.adminUrl,
    storage: azurite.connectionString,
    api: { pid: child.pid as number, baseUrl },
    async createUsers(count, prefix) {
      const out: Array<{ userId: string; cookie: string; jobId: string }> = [];
      for (let index = 0; index < count; index += 1) {
        const token = randomBytes(32).toString('base64url');
        const [user] = await database.sql<{ id: string }[]>`
          insert into users (username, password_hash, role)
          select ${`${prefix}${index}`}, password_hash, 'user' from users where id = ${template.id} returning id`;
        await database.sql`insert into sessions (token_hash, user_id, expires_at)
          values (${createHash('sha256').update(token).digest('hex')}, ${user.id}, now() + interval '1 day')`;
        const [job] = await database.sql<{ id: string }[]>`
          insert into jobs (type, target_id, owner_id, payload, status, started_at) values
          ('story-publish', gen_random_uuid(), ${user.id}, '{}', 'Running', now()) returning id`;
        out.push({ userId: user.id, cookie: `storyline_session=${token}`, jobId: job.id });
      }
      return out;
    },
    async apiQueries() {
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      return Number(/^storyline_db_queries_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
    },
    stop,
  };
}

/** A process's resident memory and CPU seconds so far, from /proc. */
export function sampleProcess(pid: number): { rssBytes: number; cpuSeconds: number; systemSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime, fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssBytes: rssKb * 1024, cpuSeconds: ticks / 100, systemSeconds: Number(fields[12]) / 100 };
}
