import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/server/db/src/schema.ts',
  out: './libs/server/db/migrations',
});
