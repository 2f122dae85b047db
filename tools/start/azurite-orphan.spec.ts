import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { describe, expect, it } from 'vitest';
import { until } from '../testing/eventually';

const root = fileURLToPath(new URL('../..', import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('Azurite started by startAzurite', () => {
  it('stops itself when the process that started it is killed outright', async () => {
    const [blobPort, queuePort] = [await getPort(), await getPort()];
    const script = `const { startAzurite } = await import('@storyline/storage');
      const azurite = await startAzurite({ blobPort: ${blobPort}, queuePort: ${queuePort} });
      console.log('azurite ' + azurite.pid);
      setInterval(() => undefined, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: 'tsconfig.base.json' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(() => /azurite \d+/.test(output), 'Azurite to start', 60_000);
    const pid = Number(/azurite (\d+)/.exec(output)?.[1]);
    expect(alive(pid)).toBe(true);

    parent.kill('SIGKILL');
    try {
      await until(() => !alive(pid), 'Azurite to stop after its parent died', 15_000);
    } finally {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }, 90_000);
});
