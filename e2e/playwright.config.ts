import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import getPort from 'get-port';

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = `${root}/tmp/e2e-data`;

// The runner picks free ports once and hands them to its workers through the environment.
if (!process.env['E2E_PORT']) {
  process.env['E2E_PORT'] = String(await getPort());
  process.env['E2E_PG_PORT'] = String(await getPort());
  process.env['E2E_BLOB_PORT'] = String(await getPort());
  process.env['E2E_QUEUE_PORT'] = String(await getPort());
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
}
const ports = {
  PORT: process.env['E2E_PORT'] ?? '',
  PG_PORT: process.env['E2E_PG_PORT'] ?? '',
  AZURITE_BLOB_PORT: process.env['E2E_BLOB_PORT'] ?? '',
  AZURITE_QUEUE_PORT: process.env['E2E_QUEUE_PORT'] ?? '',
};
const baseURL = `http://127.0.0.1:${ports.PORT}`;

/** The end-to-end tests drive the real editor in Debian's Chromium against the whole stack that `npm start` runs. */
export default defineConfig({
  testDir: './src',
  testMatch: '**/*.e2e.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: `${root}/tmp/e2e-results`,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'node --import tsx tools/start/main.ts',
    cwd: root,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    env: {
      TSX_TSCONFIG_PATH: 'tsconfig.base.json',
      ...ports,
      STORYLINE_DATA_DIR: dataDir,
      DATABASE_URL: '',
      AZURE_STORAGE_CONNECTION_STRING: '',
      LOG_LEVEL: 'warn',
    },
  },
});
