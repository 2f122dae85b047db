import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProcedureMetrics } from '@storyline/api-router';
import { JobStatus, JobType, type JobEvent } from '@storyline/contracts';

/** The Prometheus metrics of one API process, served at `/metrics`; the procedures count into their share of it. */
export interface ApiMetrics extends ProcedureMetrics {
  registry: Registry;
  eventsSent: Counter<'stream'>;
  /** Streams ended, by why: `complete`, `retry` (fell behind), `session-ended`, `shutdown`, `refused`, `client-gone`. */
  streamsEnded: Counter<'stream' | 'reason'>;
  notificationLatency: Histogram;
  databaseQueries: Counter;
  /** Uploads (images, ZIPs) being received right now. */
  uploadsInFlight: Gauge;
  /** Uploads refused before their body was read, by `busy` (the process's bound) or `user` (the user's). */
  uploadsRefused: Counter<'reason'>;
  /** Counts one event sent on `streams` streams, and how long after it was written it left. */
  sent(stream: string, event: JobEvent, streams: number): void;
}

export interface MetricSources {
  streams: () => { feed: number; job: number };
  jobsByStatus: () => Promise<Array<{ status: string; count: number }>>;
  queueDepth: (type: JobType) => Promise<number>;
  poisonDepth: (type: JobType) => Promise<number>;
}

export function createApiMetrics(sources: MetricSources): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'storyline_active_streams',
    help: 'Open SSE streams',
    labelNames: ['stream'],
    registers: [registry],
    collect() {
      const counts = sources.streams();
      this.set({ stream: 'feed' }, counts.feed);
      this.set({ stream: 'job' }, counts.job);
    },
  });
  const streamsEnded = new Counter({
    name: 'storyline_streams_ended_total',
    help: 'SSE streams ended, by reason',
    labelNames: ['stream', 'reason'],
    registers: [registry],
  });
  const eventsSent = new Counter({ name: 'storyline_events_sent_total', help: 'Job events sent on streams', labelNames: ['stream'], registers: [registry] });
  const notificationLatency = new Histogram({
    name: 'storyline_notification_latency_seconds',
    help: 'From an event being written to it leaving on a stream',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const databaseQueries = new Counter({ name: 'storyline_db_queries_total', help: 'Statements this process sent to Postgres', registers: [registry] });
  const pollingRequests = new Counter({ name: 'storyline_polling_requests_total', help: 'jobs.get calls by job type', labelNames: ['job_type'], registers: [registry] });
  const shadowPollingLag = new Histogram({
    name: 'storyline_shadow_polling_lag_seconds',
    help: 'In shadow mode, how much later polling saw a job end than push did',
    labelNames: ['job_type'],
    buckets: [-1, 0, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const shadowDisagreements = new Counter({
    name: 'storyline_shadow_disagreements_total',
    help: 'Shadow-mode jobs whose push and polling outcomes differed',
    labelNames: ['job_type'],
    registers: [registry],
  });
  new Gauge({
    name: 'storyline_jobs',
    help: 'Jobs by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = new Map((await sources.jobsByStatus()).map((row) => [row.status, row.count]));
      for (const status of JobStatus.options) this.set({ status }, counts.get(status) ?? 0);
    },
  });
  new Gauge({
    name: 'storyline_queue_depth',
    help: 'Approximate messages waiting per job queue',
    labelNames: ['job_type'],
    registers: [registry],
    async collect() {
      const depths = await Promise.all(JobType.options.map((type) => sources.queueDepth(type).catch(() => Number.NaN)));
      JobType.options.forEach((type, index) => this.set({ job_type: type }, depths[index]));
    },
  });
  new Gauge({
    name: 'storyline_poison_queue_depth',
    help: 'Approximate messages in each job type’s poison queue',
    labelNames: ['job_type'],
    registers: [registry],
    async collect() {
      const depths = await Promise.all(JobType.options.map((type) => sources.poisonDepth(type).catch(() => Number.NaN)));
      JobType.options.forEach((type, index) => this.set({ job_type: type }, depths[index]));
    },
  });
  const uploadsInFlight = new Gauge({ name: 'storyline_uploads_in_flight', help: 'Uploads being received', registers: [registry] });
  const uploadsRefused = new Counter({
    name: 'storyline_uploads_refused_total',
    help: 'Uploads refused before their body was read, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  return {
    registry,
    uploadsInFlight,
    uploadsRefused,
    eventsSent,
    streamsEnded,
    notificationLatency,
    pollingRequests,
    databaseQueries,
    shadowPollingLag,
    shadowDisagreements,
    sent(stream, event, streams) {
      eventsSent.inc({ stream }, streams);
      notificationLatency.observe(Math.max(0, (Date.now() - Date.parse(event.at)) / 1000));
    },
  };
}
