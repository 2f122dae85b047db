import { percentile } from './bench-children';

/** One event of a round's jobs, as Postgres committed it. */
export interface CommittedEvent {
  /** `jobId:seq`, as the stream clients key arrivals. */
  key: string;
  jobId: string;
  seq: number;
  /** The event's kind; a status event's carries its status too (`status Queued`). */
  label: string;
  /** When its transaction committed (epoch ms, `pg_xact_commit_timestamp`). */
  committedMs: number;
}

/** What one round of `concurrent-jobs.ts` saw. */
export interface RoundOutcome {
  name: 'push' | 'polling helper' | 'status quo';
  events: CommittedEvent[];
  /** When a client first had each event, by key (epoch ms): its arrival, or the first poll that reached it. */
  seenAt: Map<string, number>;
  /** Events a client was shown as the job's own state: every push arrival; for polling, a poll whose lastSeq was that event's. */
  shown: Set<string>;
  /** The requests the clients made to follow their jobs, in words. */
  requests: string;
  notes: string[];
  /** The machine's 1-minute load average as the round ended: how much else was running. */
  loadAverage: number;
}

export interface ConcurrentJobsSetup {
  jobs: number;
  pages: number;
  workerConcurrency: number;
  /** Warnings and errors the worker logged. */
  problems: string[];
}

/** The rounds side by side: one row per event kind, the commit → client delay of each transport. */
export function formatConcurrentJobs(outcomes: RoundOutcome[], setup: ConcurrentJobsSetup): string {
  const names = outcomes.map((outcome) => outcome.name);
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [
    `${setup.jobs} stories of ${setup.pages} pages (en and ro) published at once in each round, one user each; one built worker process, WORKER_CONCURRENCY=${setup.workerConcurrency}.`,
    'Delay: from the commit of the event (pg_xact_commit_timestamp) to when the client had it: for push its arrival on the user\'s onMyJobs stream, opened before the publishes; ' +
      'for polling the answer of the first jobs.get whose lastSeq reached it. Never shown: events no client saw as the job\'s own state (polling skipped past them).',
    '',
    row(['event', `events (${names.join(' / ')})`, ...names.map((name) => `${name} p50 / p99`), `never shown (${names.join(' / ')})`]),
    row(Array.from({ length: names.length + 3 }, () => '---')),
  ];
  const labelRow = (label: string, keep: (event: CommittedEvent) => boolean) => {
    const chosen = outcomes.map((outcome) => outcome.events.filter(keep));
    return row([
      label,
      chosen.map((events) => events.length).join(' / '),
      ...outcomes.map((outcome, index) => delayCell(outcome, chosen[index])),
      outcomes.map((outcome, index) => chosen[index].filter((event) => !outcome.shown.has(event.key)).length).join(' / '),
    ]);
  };
  for (const label of orderedLabels(outcomes)) lines.push(labelRow(label, (event) => event.label === label));
  lines.push(labelRow('all events', () => true));
  lines.push(row(['requests to follow the jobs', '', ...outcomes.map((outcome) => outcome.requests), '']));
  lines.push('');
  lines.push(`Jobs ran (Running → Completed): ${outcomes.map((outcome) => `${outcome.name} ${range(runTimes(outcome.events).ran)}`).join(', ')}.`);
  lines.push(`Jobs waited for the worker (Queued → Running): ${outcomes.map((outcome) => `${outcome.name} ${range(runTimes(outcome.events).waited)}`).join(', ')}.`);
  lines.push(`First publish to last completion: ${outcomes.map((outcome) => `${outcome.name} ${(span(outcome.events) / 1000).toFixed(1)} s`).join(', ')}.`);
  lines.push(`Load average (1 min) as each round ended: ${outcomes.map((outcome) => `${outcome.name} ${outcome.loadAverage.toFixed(1)}`).join(', ')}.`);
  for (const note of outcomes.flatMap((outcome) => outcome.notes)) lines.push(`${note[0].toUpperCase()}${note.slice(1)}.`);
  if (setup.problems.length > 0) lines.push(`The worker logged:\n${tally(setup.problems).join('\n')}`);
  return lines.join('\n');
}

/** Each distinct problem once, by its first line (Azure adds request ids and times below it), with how often it came. */
function tally(problems: string[]): string[] {
  const counts = new Map<string, number>();
  for (const problem of problems) {
    const line = problem.split('\n')[0];
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, count]) => `  ${count}× ${line}`);
}

function delayCell(outcome: RoundOutcome, events: CommittedEvent[]): string {
  const delays = events
    .map((event) => (outcome.seenAt.get(event.key) ?? Number.NaN) - event.committedMs)
    .filter((ms) => Number.isFinite(ms))
    .sort((a, b) => a - b);
  if (delays.length === 0) return '–';
  const ms = (p: number) => Math.round(percentile(delays, p)).toLocaleString('en');
  return `${ms(50)} / ${ms(99)} ms`;
}

/** The labels in the order a job goes through them: by their mean place in their job's events. */
function orderedLabels(outcomes: RoundOutcome[]): string[] {
  const places = new Map<string, number[]>();
  for (const events of outcomes.map((outcome) => outcome.events)) {
    const lastSeq = new Map<string, number>();
    for (const event of events) lastSeq.set(event.jobId, Math.max(lastSeq.get(event.jobId) ?? 0, event.seq));
    for (const event of events) {
      const list = places.get(event.label) ?? [];
      list.push(event.seq / (lastSeq.get(event.jobId) ?? 1));
      places.set(event.label, list);
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  return [...places.keys()].sort((a, b) => mean(places.get(a) ?? []) - mean(places.get(b) ?? []));
}

/** Per job: Queued → Running and Running → Completed, from the commits of those events (ms). */
function runTimes(events: CommittedEvent[]): { waited: number[]; ran: number[] } {
  const firstOf = new Map<string, number>();
  for (const event of events) {
    const key = `${event.jobId} ${event.label}`;
    if (!firstOf.has(key)) firstOf.set(key, event.committedMs);
  }
  const jobIds = [...new Set(events.map((event) => event.jobId))];
  const between = (jobId: string, from: string, to: string) => (firstOf.get(`${jobId} ${to}`) ?? Number.NaN) - (firstOf.get(`${jobId} ${from}`) ?? Number.NaN);
  return {
    waited: jobIds.map((jobId) => between(jobId, 'status Queued', 'status Running')),
    ran: jobIds.map((jobId) => between(jobId, 'status Running', 'completed')),
  };
}

function span(events: CommittedEvent[]): number {
  const times = events.map((event) => event.committedMs);
  return Math.max(...times) - Math.min(...times);
}

function range(values: number[]): string {
  const known = values.filter((value) => Number.isFinite(value));
  if (known.length === 0) return '–';
  return `${(Math.min(...known) / 1000).toFixed(1)}–${(Math.max(...known) / 1000).toFixed(1)} s`;
}
