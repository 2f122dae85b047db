/**
 * `npm run bench:streams`: the push path under load, on this machine, in one run.
 *
 *  1. 10,000 idle `onMyJobs` streams on one API process: memory, idle CPU, queries.
 *  2. 2,000 streams over 100 users while events are committed at 1,000/s for 30 s:
 *     every delivery, duplicates, gaps, write→receive latency; then all closed at once.
 *  3. The same clients following a running job three ways, side by side: the old
 *     editor's `jobs.get` every 5 s, the disciplined polling helper, and push.
 *  4. The worker: pickup latency and idle storage transactions (`worker-wakeup.ts`).
 *  5. Events flowing to streams while another session holds a transaction open, against
 *     the same flow without it: the commit → received delay of both, side by side; and what
 *     commit-ordered positions cost writers (`commit-rate.ts`).
 *  6. 100 real publishes at once, three ways (push, the polling helper, the old 5 s poll):
 *     commit → seen, p50 / p99, of every event kind (`concurrent-jobs.ts`).
 *
 * BENCH_SMOKE=1 runs every section at the tiny sizes of `SIZE` (see `bench-scale.ts`).
 */
import { cpus } from 'node:os';
import { forkBenchChild, killChildren, percentile } from './bench-children';
import { benchScale } from './bench-scale';
import { measureCommitRate } from './commit-rate';
import { CONCURRENT_JOBS_POSTGRES_SETTINGS, measureConcurrentJobs } from './concurrent-jobs';
import { startBenchStack, sampleProcess, type BenchStack } from './bench-stack';
import { runBench } from './run-bench';
import type { ClientCommand, PollReport, StreamReport } from './stream-clients';
import type { WriteCommand, WriteReport } from './event-writer';
import { formatWorkerWakeup, measureWorkerWakeup } from './worker-wakeup';

const CLIENT_PROCESSES = 4;
/** Every count and window of the four sections, and its smoke run's. */
const SIZE = {
  users: benchScale(100, 10),
  idleStreams: benchScale(10_000, 200),
  /** Before the idle window: the opening's garbage is collected. */
  idleSettleMs: benchScale(15_000, 1_000),
  idleWindowMs: benchScale(60_000, 3_000),
  streamsPerUser: benchScale(20, 2),
  eventsPerSec: Number(process.env['BENCH_EVENTS_PER_SEC'] ?? benchScale(1_000, 100)),
  fanOutMs: benchScale(30_000, 3_000),
  followers: benchScale(500, 20),
  /** Longer than the status quo's 5 s poll, so every transport is seen at work. */
  followMs: benchScale(60_000, 6_000),
  /** Section 5: each window's length (the transaction stays open for all of it) and its event rate. */
  heldMs: benchScale(30_000, 3_000),
  heldEventsPerSec: benchScale(200, 50),
  commitRateConnections: benchScale([1, 8, 24], [1, 4]),
  commitRateMs: benchScale(5_000, 500),
  /** Section 6: publishes started at once per round, and each story's pages. */
  concurrentJobs: benchScale(100, 10),
  concurrentPages: benchScale(20, 2),
};
const say = (line: string) => console.log(line);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const clients = Array.from({ length: CLIENT_PROCESSES }, () => forkBenchChild('stream-clients.ts'));
const all = <T>(message: ClientCommand) => Promise.all(clients.map((client) => client.ask<T>(message)));
const split = <T>(items: T[]) => clients.map((_, index) => items.filter((__, i) => i % clients.length === index));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function window(stack: BenchStack, ms: number) {
  const before = { proc: sampleProcess(stack.api.pid), queries: await stack.apiQueries(), at: Date.now() };
  await wait(ms);
  const after = { proc: sampleProcess(stack.api.pid), queries: await stack.apiQueries(), at: Date.now() };
  const seconds = (after.at - before.at) / 1000;
  return {
    seconds,
    cpuPercent: (100 * (after.proc.cpuSeconds - before.proc.cpuSeconds)) / seconds,
    systemPercent: (100 * (after.proc.systemSeconds - before.proc.systemSeconds)) / seconds,
    // The scrape that reads the counter costs one query of its own.
    queriesPerSec: (after.queries - before.queries - 1) / seconds,
    rssBytes: after.proc.rssBytes,
  };
}

async function idleStreams(stack: BenchStack, users: Array<{ cookie: string }>, count: number) {
  say(`\n## 1. ${count.toLocaleString('en')} idle onMyJobs streams on one API process`);
  const baseline = sampleProcess(stack.api.pid).rssBytes;
  const cookies = Array.from({ length: count }, (_, index) => users[index % users.length].cookie);
  const opening = Date.now();
  await Promise.all(split(cookies).map((part, index) => clients[index].ask({ cmd: 'open', baseUrl: stack.api.baseUrl, cookies: part })));
  say(`opened ${count} streams (each with its snapshot) in ${((Date.now() - opening) / 1000).toFixed(1)} s`);
  // Let the opening's garbage be collected before measuring what idling costs.
  await wait(SIZE.idleSettleMs);
  const idle = await window(stack, SIZE.idleWindowMs);
  say('| API process | value | goal |\n| --- | --- | --- |');
  say(`| RSS before the streams | ${mb(baseline)} | |`);
  say(`| RSS with ${count} streams | ${mb(idle.rssBytes)} (${((idle.rssBytes - baseline) / count / 1024).toFixed(1)} KiB a stream) | < 1 GB |`);
  say(`| CPU while idle (${idle.seconds.toFixed(0)} s) | ${idle.cpuPercent.toFixed(1)} % of a core (${idle.systemPercent.toFixed(1)} % of it in the kernel) | < 5 % |`);
  say(`| database queries while idle | ${idle.queriesPerSec.toFixed(2)} /s in all (${(idle.queriesPerSec / count).toFixed(5)} per stream) | none per stream |`);
  await all({ cmd: 'close-all' });
  await waitForStreams(stack, 0);
}

async function waitForStreams(stack: BenchStack, count: number) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const text = await (await fetch(`${stack.api.baseUrl}/metrics`)).text();
    const open = [...text.matchAll(/^storyline_active_streams\{stream="\w+"\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    if (open === count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} open streams, the API reports ${open}`);
    await wait(200);
  }
}

async function fanOut(stack: BenchStack, users: Array<{ cookie: string; jobId: string }>, streamsPerUser: number, ratePerSec: number, durationMs: number) {
  const count = users.length * streamsPerUser;
  say(`\n## 2. ${count.toLocaleString('en')} streams over ${users.length} users, events committed at ${ratePerSec}/s for ${durationMs / 1000} s`);
  const cookies = users.flatMap((user) => Array.from({ length: streamsPerUser }, () => user.cookie));
  await Promise.all(split(cookies).map((part, index) => clients[index].ask({ cmd: 'open', baseUrl: stack.api.baseUrl, cookies: part })));
  const bucketsBefore = await latencyBuckets(stack);
  const [round, measured] = await Promise.all([deliveryRound(stack, users, { ratePerSec, durationMs, streamsPerUser, connections: 24 }), window(stack, durationMs)]);
  const { written, reports, expected, deliveries, fromCommit } = round;
  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
  say('| measure | value | goal |\n| --- | --- | --- |');
  say(`| events committed | ${written.written} at ${written.achievedPerSec.toFixed(0)}/s | ${ratePerSec.toLocaleString('en')}/s |`);
  say(`| deliveries expected / arrived | ${expected} / ${deliveries} | all |`);
  say(`| doubled / missing (gaps) | ${round.duplicates} / ${round.gaps} | 0 / 0 |`);
  say(`| commit → received p50 / p99 / max | ${percentile(fromCommit, 50)} / ${percentile(fromCommit, 99)} / ${fromCommit.at(-1)} ms | p99 < 100 ms |`);
  say(`| transaction start → received p50 / p99 | ${percentile(latencies, 50)} / ${percentile(latencies, 99)} ms | |`);
  const bucketsAfter = await latencyBuckets(stack);
  const sentWithin = (le: string) => (bucketsAfter.get(le) ?? 0) - (bucketsBefore.get(le) ?? 0);
  const events = sentWithin('+Inf');
  say(`| transaction start → sent by the API, share within 25 / 50 / 100 ms | ${['0.025', '0.05', '0.1'].map((le) => `${((100 * sentWithin(le)) / events).toFixed(1)} %`).join(' / ')} | |`);
  say(`| API CPU during the writes | ${measured.cpuPercent.toFixed(0)} % of a core | |`);
  say(`| API database queries during the writes | ${measured.queriesPerSec.toFixed(0)} /s (the one feed reader; none per stream) | |`);
  say(`| API RSS after | ${mb(sampleProcess(stack.api.pid).rssBytes)} | |`);
  await all({ cmd: 'close-all' });
  await waitForStreams(stack, 0);
  const healthy = (await fetch(`${stack.api.baseUrl}/healthz`)).ok;
  say(`| all ${count} closed at once | API ${healthy ? 'still serving' : 'DOWN'}, 0 open streams | survives |`);
}

interface DeliveryRound {
  written: WriteReport;
  reports: StreamReport[];
  expected: number;
  deliveries: number;
  duplicates: number;
  gaps: number;
  /** Each delivery's delay from its event's commit to its arrival, ascending (ms). */
  fromCommit: number[];
}

/**
 * Commits events on the users' jobs at `ratePerSec` for `durationMs` (a writer process) while
 * the clients' open streams receive them; waits a bounded while for stragglers, then reports.
 */
async function deliveryRound(
  stack: BenchStack,
  users: Array<{ jobId: string }>,
  round: { ratePerSec: number; durationMs: number; streamsPerUser: number; connections: number },
): Promise<DeliveryRound> {
  await all({ cmd: 'reset' });
  const writer = forkBenchChild('event-writer.ts');
  const written = await writer.ask<WriteReport>({
    databaseUrl: stack.database.url,
    jobIds: users.map((u) => u.jobId),
    ratePerSec: round.ratePerSec,
    durationMs: round.durationMs,
    connections: Number(process.env['BENCH_WRITER_CONNECTIONS'] ?? round.connections),
  } satisfies WriteCommand);
  // Whatever is still on its way gets a few seconds to arrive.
  const expected = written.written * round.streamsPerUser;
  let reports: StreamReport[] = [];
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await wait(250)) {
    reports = await all<StreamReport>({ cmd: 'report' });
    if (reports.reduce((sum, r) => sum + r.deliveries, 0) >= expected) break;
  }
  const fromCommit = reports
    .flatMap((r) => Object.entries(r.arrivals).flatMap(([key, times]) => times.map((t) => t - (written.commits[key] ?? Number.NaN))))
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  return {
    written,
    reports,
    expected,
    deliveries: reports.reduce((sum, r) => sum + r.deliveries, 0),
    duplicates: reports.reduce((sum, r) => sum + r.duplicates, 0),
    gaps: reports.reduce((sum, r) => sum + r.gaps, 0),
    fromCommit,
  };
}

/**
 * The same flow of events twice: once alone, once while another session holds a
 * transaction (with its id taken, as any write does) open for the whole window, as a long
 * import, a migration or an `UPDATE` left open in psql would.
 */
async function heldTransaction(stack: BenchStack, users: Array<{ cookie: string; jobId: string }>, ratePerSec: number, durationMs: number) {
  const streamsPerUser = 2;
  say(`\n## 5. ${users.length * streamsPerUser} streams, events committed at ${ratePerSec}/s for ${durationMs / 1000} s, with and without a transaction held open all along`);
  const cookies = users.flatMap((user) => Array.from({ length: streamsPerUser }, () => user.cookie));
  await Promise.all(split(cookies).map((part, index) => clients[index].ask({ cmd: 'open', baseUrl: stack.api.baseUrl, cookies: part })));
  const round = () => deliveryRound(stack, users, { ratePerSec, durationMs, streamsPerUser, connections: 8 });
  const alone = await round();
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const holds = new Promise<void>((resolve) => (holding = resolve));
  const held = stack.database.sql.begin(async (tx) => {
    await tx`select pg_current_xact_id()`;
    holding();
    await released;
  });
  await holds;
  const beside = await round().finally(release);
  await held;
  say('| commit → received | p50 | p99 | max | deliveries expected / arrived | doubled / missing |\n| --- | --- | --- | --- | --- | --- |');
  for (const [name, r] of [['no other transaction', alone], ['a transaction held open', beside]] as const) {
    // Nothing arrived (the old feed held every event until the transaction ended): no delays to show.
    const ms = (p: number) => (r.fromCommit.length > 0 ? `${percentile(r.fromCommit, p)} ms` : '—');
    say(`| ${name} | ${ms(50)} | ${ms(99)} | ${ms(100)} | ${r.expected} / ${r.deliveries} | ${r.duplicates} / ${r.gaps} |`);
  }
  await all({ cmd: 'close-all' });
  await waitForStreams(stack, 0);
  const rates = await measureCommitRate(stack.adminUrl, { connections: SIZE.commitRateConnections, windowMs: SIZE.commitRateMs });
  say(`\n| event-writing commits a second (${SIZE.commitRateMs / 1000} s each) | positions at commit, in order | without the trigger | difference |\n| --- | --- | --- | --- |`);
  for (const r of rates) {
    const sessions = `${r.connections} session${r.connections === 1 ? '' : 's'}`;
    say(`| ${sessions} | ${r.ordered.toFixed(0)} | ${r.unordered.toFixed(0)} | ${((100 * (r.ordered - r.unordered)) / r.unordered).toFixed(0)} % |`);
  }
}

/** The API's histogram of event written → sent, by bucket (once per event per stream kind). */
async function latencyBuckets(stack: BenchStack): Promise<Map<string, number>> {
  const text = await (await fetch(`${stack.api.baseUrl}/metrics`)).text();
  return new Map([...text.matchAll(/^storyline_notification_latency_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

async function transports(stack: BenchStack, users: Array<{ cookie: string; jobId: string }>, windowMs: number) {
  say(`\n## 3. ${users.length} clients each following a running job for ${windowMs / 1000} s (a progress event every 3 s)`);
  say('| transport | requests/s | bytes/s to clients | API CPU | API database queries/s |\n| --- | --- | --- | --- | --- |');
  const ratePerSec = users.length / 3;
  const jobIds = users.map((u) => u.jobId);
  const run = async (name: string, clientsWork: () => Promise<{ requests: number; bytes: number }>) => {
    const writer = forkBenchChild('event-writer.ts');
    const [, measured, traffic] = await Promise.all([
      writer.ask<WriteReport>({ databaseUrl: stack.database.url, jobIds, ratePerSec, durationMs: windowMs, connections: 4 } satisfies WriteCommand),
      window(stack, windowMs),
      clientsWork(),
    ]);
    const seconds = measured.seconds;
    say(`| ${name} | ${(traffic.requests / seconds).toFixed(1)} | ${(traffic.bytes / seconds / 1024).toFixed(1)} KiB | ${measured.cpuPercent.toFixed(1)} % | ${measured.queriesPerSec.toFixed(1)} |`);
  };
  await run('nobody following (the writes alone)', async () => {
    await wait(windowMs);
    return { requests: 0, bytes: 0 };
  });
  for (const mode of ['status-quo', 'disciplined'] as const) {
    await run(mode === 'status-quo' ? 'status quo: jobs.get every 5 s' : 'polling helper: 1 s, doubling to 60 s', async () => {
      const reports = await Promise.all(
        split(users).map((part, index) => clients[index].ask<PollReport>({ cmd: 'poll', baseUrl: stack.api.baseUrl, clients: part, mode, durationMs: windowMs })),
      );
      return { requests: reports.reduce((s, r) => s + r.requests, 0), bytes: reports.reduce((s, r) => s + r.bytes, 0) };
    });
  }
  await Promise.all(split(users.map((u) => u.cookie)).map((part, index) => clients[index].ask({ cmd: 'open', baseUrl: stack.api.baseUrl, cookies: part })));
  await all({ cmd: 'reset' });
  await run('push: one onMyJobs stream each', async () => {
    await wait(windowMs);
    const reports = await all<StreamReport>({ cmd: 'report' });
    return { requests: 0, bytes: reports.reduce((s, r) => s + r.bytes, 0) };
  });
  await all({ cmd: 'close-all' });
  await waitForStreams(stack, 0);
}

/** `BENCH_SECTIONS=1,2` runs only those sections; all of them by default. */
const sections = new Set((process.env['BENCH_SECTIONS'] ?? '1,2,3,4,5,6').split(',').map((part) => part.trim()));
await runBench('bench:streams', async (defer) => {
  defer(killChildren);
  const stack = await startBenchStack({ postgresSettings: CONCURRENT_JOBS_POSTGRES_SETTINGS });
  defer(() => stack.stop());
  // The clients go first, so the API stops with no stream left open.
  defer(killChildren);
  say(`# bench:streams on ${process.platform}, Node ${process.version}, ${cpus().length} cores`);
  const users = await stack.createUsers(SIZE.users, 'u');
  if (sections.has('1')) await idleStreams(stack, users, SIZE.idleStreams);
  if (sections.has('2')) await fanOut(stack, users, SIZE.streamsPerUser, SIZE.eventsPerSec, SIZE.fanOutMs);
  if (sections.has('3')) await transports(stack, await stack.createUsers(SIZE.followers, 'c'), SIZE.followMs);
  if (sections.has('4')) {
    say('\n## 4. The worker');
    say(formatWorkerWakeup(await measureWorkerWakeup()));
  }
  if (sections.has('5')) await heldTransaction(stack, users, SIZE.heldEventsPerSec, SIZE.heldMs);
  if (sections.has('6')) {
    say(`\n## 6. ${SIZE.concurrentJobs} publishes at once (${SIZE.concurrentPages} pages each, one built worker): commit → seen, by event kind, push against polling`);
    say(await measureConcurrentJobs(stack, { jobs: SIZE.concurrentJobs, pages: SIZE.concurrentPages }));
  }
});
