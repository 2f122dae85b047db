import type { ApiMetrics } from './api-metrics';

/** Passes a stream through, keeping the open-streams gauge right however the stream ends. */
export async function* countStream<T>(metrics: ApiMetrics, stream: string, source: AsyncIterable<T>): AsyncGenerator<T> {
  metrics.activeStreams.inc({ stream });
  try {
    yield* source;
  } finally {
    metrics.activeStreams.dec({ stream });
  }
}
