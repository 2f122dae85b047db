import { z } from 'zod';

const Env = z.object({
  DATABASE_URL: z.url({ message: 'DATABASE_URL must be a postgres:// URL' }),
  AZURE_STORAGE_CONNECTION_STRING: z.string().min(1, 'AZURE_STORAGE_CONNECTION_STRING is required'),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]*$/, 'QUEUE_PREFIX may hold only a-z, 0-9 and -').default(''),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  VISIBILITY_TIMEOUT_SEC: z.coerce.number().int().min(2).max(3600).default(30),
  MAX_DELIVERIES: z.coerce.number().int().min(1).max(20).default(3),
  RETRY_DELAY_SEC: z.coerce.number().int().min(0).max(3600).default(2),
  // Fractions allowed: a benchmark compares against the old 0.5 s poll.
  IDLE_RECEIVE_MAX_SEC: z.coerce.number().min(0.05).max(3600).default(30),
  SWEEP_INTERVAL_SEC: z.coerce.number().min(1).max(3600).default(15),
  QUEUED_STALE_SEC: z.coerce.number().min(1).max(86_400).default(120),
  RUNNING_STALE_SEC: z.coerce.number().min(1).max(86_400).optional(),
  MAX_REQUEUES: z.coerce.number().int().min(0).max(100).default(5),
  EXPORT_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(7),
  FILE_SWEEP_INTERVAL_SEC: z.coerce.number().min(1).max(86_400).default(600),
  DELETED_RETENTION_MIN: z.coerce.number().min(0).max(525_600).default(10),
  MEDIA_MAX_MB: z.coerce.number().positive().max(1024).default(10),
  IMPORT_MAX_MB: z.coerce.number().positive().max(10_240).default(512),
  IMPORT_MAX_ENTRIES: z.coerce.number().int().min(2).max(100_000).default(1_000),
  IMPORT_MAX_UNCOMPRESSED_MB: z.coerce.number().positive().max(102_400).default(2_048),
  IMPORT_MAX_RATIO: z.coerce.number().min(2).max(10_000).default(100),
  SCRATCH_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof Env>;

/** Parses the worker's environment once, listing every bad variable before giving up. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    console.error(`The worker cannot start; fix these environment variables:\n${problems}`);
    process.exit(1);
  }
  return parsed.data;
}
