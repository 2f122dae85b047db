import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { OnMyJobsInput, WatchJobInput, type UserStreamMessage, type WatchedJobMessage } from '@storyline/contracts';
import { errorFrame, type StreamHub } from '@storyline/realtime';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { type Context, errorReference, SSE_CLIENT_OPTIONS, subscriptionErrorShape, prepareUserStream, prepareWatchedJob, type AuthedContext, toStreamError } from '@storyline/api-router';
import { createSseSink, type SseSink } from './sse-sink';

/** How many streams a process and a user may hold, and how far one may fall behind. */
export interface StreamLimits {
  maxStreams: number;
  maxStreamsPerUser: number;
  maxBufferedBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxStreams: 20_000, maxStreamsPerUser: 200, maxBufferedBytes: 256 * 1024 };

/**
 * The subscriptions served by the lean writer, by their tRPC path: over HTTP these two
 * never reach their resolvers in `routers/jobs.ts` (those serve in-process callers).
 */
const STREAMS = {
  'jobs.onMyJobs': { input: OnMyJobsInput, kind: 'feed' },
  'jobs.watch': { input: WatchJobInput, kind: 'job' },
} as const satisfies Record<string, { input: ZodType; kind: string }>;

export type StreamPath = keyof typeof STREAMS;

/**
 * The stream a request path names, read as tRPC reads it (slashes trimmed, percent-
 * decoded), so no spelling of the path slips past the lean writer; null for others.
 */
export function streamPathOf(pathname: string): StreamPath | null {
  const trimmed = pathname.replace(/^\/+|\/+$/g, '');
  if (!trimmed.startsWith('trpc/')) return null;
  let procedure: string;
  try {
    procedure = decodeURIComponent(trimmed.slice('trpc/'.length).replace(/^\/+/, ''));
  } catch {
    return null;
  }
  return Object.hasOwn(STREAMS, procedure) ? (procedure as StreamPath) : null;
}

export interface StreamRouteOptions {
  hub: StreamHub;
  limits: StreamLimits;
  createContext(opts: { req: IncomingMessage; res: ServerResponse }): Promise<Context>;
  log: Logger;
  /** How long EventSource should wait before reconnecting after a refusal it may retry. */
  retryAfterRefusalMs?: number;
  onEnd?(stream: 'feed' | 'job', reason: string): void;
}

/**
 * Serves `GET /trpc/jobs.onMyJobs` and `GET /trpc/jobs.watch` as tRPC's
 * `httpSubscriptionLink` expects them (same query, `lastEventId` from the header or
 * the query, same frames and error shapes), without tRPC's per-stream web streams.
 */
export function createStreamRoute(options: StreamRouteOptions) {
  const { hub, log } = options;
  const errorFrameFor = (error: unknown, path: StreamPath) => {
    const shape = subscriptionErrorShape(error, path) as { code?: number; data?: { code?: string } };
    const retryable = ['SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR'].includes(shape.data?.code ?? '');
    return errorFrame(shape, retryable ? jitter(options.retryAfterRefusalMs ?? 3_000) : undefined);
  };

  return async function serveStream(req: IncomingMessage, res: ServerResponse, path: StreamPath, url: URL): Promise<void> {
    const { kind } = STREAMS[path];
    const sink: SseSink<UserStreamMessage | WatchedJobMessage> = createSseSink(res, {
      maxBufferedBytes: options.limits.maxBufferedBytes,
      closeGraceMs: 5_000,
      stallTimeoutMs: 30_000,
      clientOptions: SSE_CLIENT_OPTIONS,
      errorFrame: (end) =>
        errorFrameFor(new TRPCError({ code: end.kind === 'retry' ? 'SERVICE_UNAVAILABLE' : 'UNAUTHORIZED', message: end.message }), path),
      onEnd: (reason) => options.onEnd?.(kind, reason),
    });
    try {
      const input = readInput(req, url);
      const ctx = await options.createContext({ req, res });
      if (sink.closed) return;
      if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please log in' });
      const authed = ctx as AuthedContext;
      if (kind === 'feed') {
        const parsed = parse(OnMyJobsInput, input);
        const prepared = await prepareUserStream(authed, parsed);
        if (!sink.closed) await hub.openUserStream(sink, prepared);
      } else {
        const parsed = parse(WatchJobInput, input);
        const prepared = await prepareWatchedJob(authed, parsed);
        if (!sink.closed) await hub.openWatchedJob(sink, prepared);
      }
    } catch (cause) {
      const error = toStreamError(cause);
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        log.error({ err: error.cause ?? error, path, reference: errorReference(error) }, 'stream failed');
      }
      if (!sink.closed) sink.fail(errorFrameFor(error, path), 'refused');
    }
  };
}

/** The input as tRPC reads it for a subscription: `?input=` JSON, with the last event id merged in. */
function readInput(req: IncomingMessage, url: URL): unknown {
  if (url.searchParams.has('batch')) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Cannot batch subscription calls' });
  const raw = url.searchParams.get('input');
  let input: unknown;
  try {
    input = raw === null ? undefined : JSON.parse(raw);
  } catch {
    throw new TRPCError({ code: 'PARSE_ERROR', message: 'input must be JSON' });
  }
  const header = req.headers['last-event-id'];
  const lastEventId = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId') ?? url.searchParams.get('Last-Event-Id');
  if (!lastEventId) return input;
  if (input === undefined || input === null) return { lastEventId };
  if (typeof input === 'object' && !Array.isArray(input)) return { ...input, lastEventId };
  return input;
}

function parse<T>(schema: ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Invalid input', cause: result.error });
  return result.data;
}

/** Spreads reconnects so a refusal to thousands of clients does not come back as one wave. */
function jitter(ms: number): number {
  return ms * (0.75 + Math.random() / 2);
}
