/**
 * `npm test`: lint, type checks, unit and integration tests, the builds, then the
 * end-to-end tests in Chromium. One real Postgres and one Azurite serve every
 * integration test (each test file gets its own database and queues); both stop at
 * the end, whatever happened.
 */
import { spawn } from 'node:child_process';
import { onShutdownSignal } from '@storyline/db/embedded';
import { prepareTemplateDatabase } from '@storyline/db/testing';
import { ensureChromium } from './ensure-chromium';
import { startThrowawayAzurite, startThrowawayPostgres } from '../testing/start-throwaway-services';

const say = (line: string) => console.log(`[test] ${line}`);
const startedAt = Date.now();
const stops: Array<() => Promise<void>> = [];
const ci = process.env['CI'] === 'true';
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: ci ? '0' : '1' };

function run(command: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<number> {
  say(`$ ${command} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let failed = false;
const results: string[] = [];
let interrupted = false;
// Ctrl-C: the child (nx or playwright) stops on the same signal; then `finally` cleans up.
onShutdownSignal(() => {
  interrupted = true;
  say('interrupted; stopping…');
});
try {
  ensureChromium(say);
  const pg = await startThrowawayPostgres();
  stops.push(pg.stop);
  const azurite = await startThrowawayAzurite();
  stops.push(azurite.stop);
  await prepareTemplateDatabase(pg.adminUrl);
  say(`Postgres and Azurite up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);

  const infra = { STORYLINE_TEST_PG_ADMIN_URL: pg.adminUrl, STORYLINE_TEST_STORAGE: azurite.connectionString };
  const nx = ['run-many', '-t', 'lint', 'typecheck', 'test', 'build', '--outputStyle=stream', '--parallel=2'];
  if (ci) nx.push('--skip-nx-cache');
  const checks = await run('node_modules/.bin/nx', nx, infra);
  results.push(`lint, typecheck, unit + integration tests, build: ${checks === 0 ? 'passed' : 'FAILED'}`);
  if (interrupted) throw new Error('interrupted');
  const e2e = await run('node_modules/.bin/playwright', ['test', '-c', 'e2e/playwright.config.ts']);
  results.push(`end-to-end tests: ${e2e === 0 ? 'passed' : 'FAILED'}`);
  failed = checks !== 0 || e2e !== 0;
} catch (error) {
  failed = true;
  console.error(`[test] could not run the tests: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error('[test] cleanup failed', error));
}
for (const line of results) say(line);
say(`${failed ? 'FAILED' : 'all green'} in ${((Date.now() - startedAt) / 60_000).toFixed(1)} min`);
process.exit(failed ? 1 : 0);
