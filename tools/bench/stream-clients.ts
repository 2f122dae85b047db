/**
 * A bench client process (forked by `streams.ts` and `concurrent-jobs.ts`): holds many
 * `onMyJobs` streams over plain sockets, or polls `jobs.get` as the old editor and the
 * disciplined helper do, and counts what it received; it also publishes stories and
 * follows their jobs by polling (`publish-and-poll.ts`). Commands arrive over IPC.
 */
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { UserStreamMessage } from '@storyline/contracts';
import { nextPollDelay, publishAndPoll, publishStories, type PollSchedule, type StoryToPublish } from './publish-and-poll';

export type ClientCommand =
  | { cmd: 'open'; baseUrl: string; cookies: string[] }
  | { cmd: 'reset' }
  | { cmd: 'report' }
  | { cmd: 'close-all' }
  | { cmd: 'poll'; baseUrl: string; clients: Array<{ cookie: string; jobId: string }>; mode: PollSchedule; durationMs: number }
  /** Answers `{ jobs: PublishedJob[] }`. */
  | { cmd: 'publish'; baseUrl: string; stories: StoryToPublish[] }
  /** Answers a `PollTrace`; `deadline` in epoch ms. */
  | { cmd: 'publish-and-poll'; baseUrl: string; stories: StoryToPublish[]; schedule: PollSchedule; deadline: number };

export interface StreamReport {
  open: number;
  deliveries: number;
  duplicates: number;
  gaps: number;
  bytes: number;
  /** Event written (its transaction began) → received, in ms, one entry per delivery. */
  latencies: number[];
  /** When each event arrived, by `jobId:seq`, once per stream that got it (epoch ms). */
  arrivals: Record<string, number[]>;
}

export interface PollReport {
  requests: number;
  bytes: number;
  failures: number;
}

interface Stream {
  req: ClientRequest;
  res?: IncomingMessage;
  live: boolean;
  lastSeq: Map<string, number>;
  partial: string;
}

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const streams = new Set<Stream>();
let counters: StreamReport = { open: 0, deliveries: 0, duplicates: 0, gaps: 0, bytes: 0, latencies: [], arrivals: {} };

function openStream(baseUrl: string, cookie: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream: Stream = { req: undefined as never, live: false, lastSeq: new Map(), partial: '' };
    stream.req = request(`${baseUrl}/trpc/jobs.onMyJobs`, { agent, headers: { cookie, accept: 'text/event-stream' } }, (res) => {
      stream.res = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        counters.bytes += Buffer.byteLength(chunk);
        stream.partial += chunk;
        let end = stream.partial.indexOf('\n\n');
        while (end >= 0) {
          const frame = stream.partial.slice(0, end);
          stream.partial = stream.partial.slice(end + 2);
          if (onFrame(stream, frame) && !stream.live) {
            stream.live = true;
            resolve();
          }
          end = stream.partial.indexOf('\n\n');
        }
      });
      res.on('error', () => undefined);
    });
    stream.req.on('error', (error) => (stream.live ? undefined : reject(error)));
    stream.req.on('close', () => {
      streams.delete(stream);
      // A refused or broken stream fails the bench instead of leaving it waiting for a snapshot.
      if (!stream.live) reject(new Error(`a stream closed before its snapshot (status ${stream.res?.statusCode ?? 'none'}): ${stream.partial.slice(0, 300)}`));
    });
    stream.req.end();
    streams.add(stream);
  });
}

/** Returns true for the snapshot. */
function onFrame(stream: Stream, frame: string): boolean {
  const dataAt = frame.indexOf('data: {');
  if (dataAt < 0 || frame.startsWith('event:')) return false;
  const lineEnd = frame.indexOf('\n', dataAt);
  const message = JSON.parse(frame.slice(dataAt + 6, lineEnd < 0 ? undefined : lineEnd)) as UserStreamMessage;
  if (message.kind === 'snapshot') {
    for (const job of message.jobs) stream.lastSeq.set(job.id, job.lastSeq);
    return true;
  }
  if (message.kind !== 'event') return false;
  const { jobId, seq, at } = message.event;
  const last = stream.lastSeq.get(jobId) ?? 0;
  if (seq <= last) counters.duplicates += 1;
  else {
    if (seq > last + 1) counters.gaps += seq - last - 1;
    stream.lastSeq.set(jobId, seq);
    counters.deliveries += 1;
    const now = Date.now();
    counters.latencies.push(now - Date.parse(at));
    (counters.arrivals[`${jobId}:${seq}`] ??= []).push(now);
  }
  return false;
}

async function openAll(baseUrl: string, cookies: string[]): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < cookies.length) await openStream(baseUrl, cookies[next++]);
  };
  await Promise.all(Array.from({ length: 64 }, lane));
}

/** The old editor: a `jobs.get` every 5 s per running job. The helper: after 1 s, then doubling to 60 s. */
async function poll(command: Extract<ClientCommand, { cmd: 'poll' }>): Promise<PollReport> {
  const report: PollReport = { requests: 0, bytes: 0, failures: 0 };
  const end = Date.now() + command.durationMs;
  const one = (cookie: string, jobId: string) =>
    new Promise<void>((resolve) => {
      const input = encodeURIComponent(JSON.stringify({ jobId }));
      const req = request(`${command.baseUrl}/trpc/jobs.get?input=${input}`, { agent, headers: { cookie } }, (res) => {
        res.on('data', (chunk: Buffer) => (report.bytes += chunk.length));
        res.on('end', () => {
          if (res.statusCode !== 200) report.failures += 1;
          resolve();
        });
      });
      req.on('error', () => {
        report.failures += 1;
        resolve();
      });
      req.end();
      report.requests += 1;
    });
  const client = async ({ cookie, jobId }: { cookie: string; jobId: string }, index: number) => {
    // Spread the clients' first polls as their jobs would have started: over the first interval.
    let delay = command.mode === 'status-quo' ? 5_000 * (index / command.clients.length) : 1_000;
    for (;;) {
      const at = Date.now() + delay;
      if (at > end) return;
      await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
      await one(cookie, jobId);
      delay = nextPollDelay(command.mode, delay);
    }
  };
  await Promise.all(command.clients.map(client));
  return report;
}

process.on('message', (message: ClientCommand) => {
  const reply = (value: unknown) => process.send?.(value);
  switch (message.cmd) {
    case 'open':
      openAll(message.baseUrl, message.cookies).then(() => reply({ opened: streams.size }), (error: unknown) => reply({ error: String(error) }));
      break;
    case 'reset':
      counters = { open: streams.size, deliveries: 0, duplicates: 0, gaps: 0, bytes: 0, latencies: [], arrivals: {} };
      reply({ ok: true });
      break;
    case 'report':
      reply({ ...counters, open: streams.size });
      break;
    case 'close-all':
      for (const stream of streams) stream.req.destroy();
      reply({ ok: true });
      break;
    case 'poll':
      void poll(message).then(reply);
      break;
    case 'publish':
      publishStories(message.baseUrl, message.stories).then((jobs) => reply({ jobs }), (error: unknown) => reply({ error: String(error) }));
      break;
    case 'publish-and-poll':
      publishAndPoll(message.baseUrl, message.stories, message.schedule, message.deadline).then(reply, (error: unknown) => reply({ error: String(error) }));
      break;
  }
});
