import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepScratchDir } from './sweep-scratch-dir';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'storyline-scratch-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the scratch sweep', () => {
  it('deletes what a crashed import left long ago and keeps what a running one reads', async () => {
    await writeFile(join(dir, 'old-1.zip'), 'left by a dead worker');
    await writeFile(join(dir, 'fresh-1.zip'), 'being read now');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(join(dir, 'old-1.zip'), twoHoursAgo, twoHoursAgo);

    expect(await sweepScratchDir(dir, 3_600_000)).toBe(1);
    expect(await readdir(dir)).toEqual(['fresh-1.zip']);
  });

  it('finds nothing to do in a folder that does not exist yet', async () => {
    expect(await sweepScratchDir(join(dir, 'missing'), 1)).toBe(0);
  });
});
