import { z } from 'zod';

const Env = z.object({
  DATABASE_URL: z.url({ message: 'DATABASE_URL must be a postgres:// URL' }),
  AZURE_STORAGE_CONNECTION_STRING: z.string().min(1, 'AZURE_STORAGE_CONNECTION_STRING is required'),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]*$/, 'QUEUE_PREFIX may hold only a-z, 0-9 and -').default(''),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4200),
  EDITOR_DIST: z.string().default('dist/apps/editor/browser'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(168),
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  MAX_BODY_MB: z.coerce.number().positive().default(64),
  STREAMS_MAX: z.coerce.number().int().positive().default(20_000),
  STREAMS_PER_USER_MAX: z.coerce.number().int().positive().default(200),
  STREAM_BUFFER_KB: z.coerce.number().int().min(16).default(256),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_ACCOUNT_MAX_FAILURES: z.coerce.number().int().positive().default(20),
  LOGIN_ACCOUNT_DELAY_MAX_SEC: z.coerce.number().int().positive().default(60),
  LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().positive().default(100),
  LOGIN_WINDOW_SEC: z.coerce.number().int().positive().default(900),
  LOGIN_LOCKOUT_SEC: z.coerce.number().int().positive().default(900),
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  MEDIA_MAX_MB: z.coerce.number().positive().max(1024).default(10),
  IMPORT_MAX_MB: z.coerce.number().positive().max(10_240).default(512),
  DOWNLOAD_LINK_TTL_SEC: z.coerce.number().int().min(10).max(7 * 86_400).default(900),
  UPLOAD_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(7),
  UPLOADS_MAX: z.coerce.number().int().positive().default(32),
  UPLOADS_PER_USER_MAX: z.coerce.number().int().positive().default(4),
  OPS_SAMPLE_SEC: z.coerce.number().min(1).max(300).default(5),
  IDLE_TIMEOUT_SEC: z.coerce.number().int().min(15).max(3600).default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Env = z.infer<typeof Env>;

/** Parses the API's environment once, listing every bad variable before giving up. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = Env.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    console.error(`The API cannot start; fix these environment variables:\n${problems}`);
    process.exit(1);
  }
  return parsed.data;
}
