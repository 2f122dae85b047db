import { hostname } from 'node:os';
import { JobType, type OpsQueueFigures, type OpsSample } from '@storyline/contracts';
import type { Db } from '@storyline/db';
import { publishOpsSample, type StreamHub } from '@storyline/realtime';
import type { JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import type { ApiMetrics } from './api-metrics';
import { bucketDeltas, histogramPercentile, type HistogramBucket } from './histogram-percentile';

export interface OpsSamplerOptions {
  db: Db;
  hub: StreamHub;
  metrics: ApiMetrics;
  queues: JobQueues;
  log: Logger;
  intervalMs: number;
  /** Names this process in its samples; `hostname:pid` unless told. */
  processName?: string;
}

interface Reading {
  at: number;
  eventsSent: number;
  latency: HistogramBucket[];
}

/**
 * Every `intervalMs`, measures this process from its own metrics (the figures `/metrics`
 * serves) and announces the sample to every API process, whose admins' streams carry it.
 * The stream counts and counters are in memory, so that part is cheap and always sent
 * (an admin on another process wants this one's streams too); the queues are read only
 * while an admin watches on this process, since the figures are the same from any of them.
 */
export function startOpsSampler(options: OpsSamplerOptions): { stop(): void } {
  const processName = options.processName ?? `${hostname()}:${process.pid}`;
  let previous: Reading | null = null;
  let busy = false;

  const read = async (): Promise<Reading> => {
    const [events, latency] = await Promise.all([options.metrics.eventsSent.get(), options.metrics.notificationLatency.get()]);
    return {
      at: Date.now(),
      eventsSent: events.values.reduce((sum, value) => sum + value.value, 0),
      latency: latency.values
        .filter((value) => value.metricName?.endsWith('_bucket'))
        .map((value) => ({ le: value.labels['le'] === '+Inf' ? Infinity : Number(value.labels['le']), count: value.value })),
    };
  };

  const readQueues = (): Promise<OpsQueueFigures[]> =>
    Promise.all(
      JobType.options.map(async (type) => {
        const [depth, poisoned] = await Promise.all([options.queues.depth(type), options.queues.poisonDepth(type)]);
        return { type, depth, poisoned };
      }),
    );

  const sample = async () => {
    const now = await read();
    const before = previous;
    previous = now;
    if (!before) return;
    const intervalSec = (now.at - before.at) / 1000;
    const latency = bucketDeltas(now.latency, before.latency);
    const toMs = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 10_000) / 10);
    const figures: OpsSample = {
      process: processName,
      at: new Date(now.at).toISOString(),
      intervalSec,
      streams: options.hub.counts(),
      eventsPerSec: Math.round(((now.eventsSent - before.eventsSent) / intervalSec) * 100) / 100,
      latencyMs: { p50: toMs(histogramPercentile(latency, 0.5)), p99: toMs(histogramPercentile(latency, 0.99)) },
      ...(options.hub.adminUserStreams() > 0 ? { queues: await readQueues() } : {}),
    };
    await publishOpsSample(options.db, figures);
  };

  const timer = setInterval(() => {
    // A slow queue read skips a beat rather than piling samples up.
    if (busy) return;
    busy = true;
    sample()
      .catch((error: unknown) => options.log.warn({ err: error }, 'an ops sample could not be taken'))
      .finally(() => (busy = false));
  }, options.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
