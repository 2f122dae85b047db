import { performance } from 'node:perf_hooks';
import { PassThrough, type Readable } from 'node:stream';
import type { JobType } from '@storyline/contracts';
import { createJobDefinitions, type FileJobServices } from '@storyline/job-handlers';
import type { JobDefinition } from '@storyline/jobs';
import type { BlobContainer } from '@storyline/storage';

/** What a test learns of each run of a handler: when it began, when its signal aborted, when it settled. */
export interface ObservedRun {
  jobId: string;
  type: JobType;
  abortedAt?: number;
  settledAt?: number;
  /** The signal's reason, once aborted. */
  reason?: unknown;
}

/**
 * The real job definitions of `services`, each handler wrapped to note its runs
 * (times from `performance.now()`), so a test can tell that a handler never ran, or
 * how soon its signal aborted and it stopped.
 */
export function observedDefinitions(services: FileJobServices): { definitions: JobDefinition[]; runs: ObservedRun[] } {
  const runs: ObservedRun[] = [];
  const definitions = createJobDefinitions(services).map((definition) => ({
    ...definition,
    handler: async (context: Parameters<JobDefinition['handler']>[0]) => {
      const run: ObservedRun = { jobId: context.job.id, type: definition.type };
      runs.push(run);
      context.signal.addEventListener('abort', () => Object.assign(run, { abortedAt: performance.now(), reason: context.signal.reason }), { once: true });
      try {
        return await definition.handler(context);
      } finally {
        run.settledAt = performance.now();
      }
    },
  }));
  return { definitions, runs };
}

/**
 * `services` whose blob store stalls the `nth` upload into `container` (1-based): the
 * real upload starts, but its content is a stream that never delivers a byte, the way a
 * hung storage connection would; only the upload's abort signal ends it. `reached`
 * resolves when the stalled upload began.
 */
export function stallingUploads(services: FileJobServices, container: BlobContainer, nth: number): { services: FileJobServices; reached: Promise<void> } {
  let seen = 0;
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const blobs = services.blobs;
  return {
    reached,
    services: {
      ...services,
      blobs: {
        ...blobs,
        upload(name, blobName, content: Readable, options) {
          if (name !== container || ++seen !== nth) return blobs.upload(name, blobName, content, options);
          reach();
          content.resume();
          return blobs.upload(name, blobName, new PassThrough(), options);
        },
      },
    },
  };
}
