import { z } from 'zod';

/** What `npm start` reads; everything has a default that runs on a fresh machine. */
const unsetWhenEmpty = (value: unknown) => (value === '' ? undefined : value);

const StartEnv = z.object({
  DATABASE_URL: z.preprocess(unsetWhenEmpty, z.url({ message: 'DATABASE_URL must be a postgres:// URL' }).optional()),
  AZURE_STORAGE_CONNECTION_STRING: z.preprocess(unsetWhenEmpty, z.string().optional()),
  STORYLINE_DATA_DIR: z.string().default('.data'),
  PORT: z.coerce.number().int().min(1).max(65_535).default(4200),
  HOST: z.string().default('127.0.0.1'),
  PG_PORT: z.coerce.number().int().min(1).max(65_535).default(5433),
  AZURITE_BLOB_PORT: z.coerce.number().int().min(1).max(65_535).default(10000),
  AZURITE_QUEUE_PORT: z.coerce.number().int().min(1).max(65_535).default(10001),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]*$/, 'QUEUE_PREFIX may hold only a-z, 0-9 and -').default(''),
  STORYLINE_SKIP_BUILD: z.enum(['0', '1']).default('0'),
});
export type StartEnv = z.infer<typeof StartEnv>;

export function readStartEnv(): StartEnv {
  const parsed = StartEnv.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    console.error(`npm start cannot run; fix these environment variables:\n${problems}`);
    process.exit(1);
  }
  return parsed.data;
}
