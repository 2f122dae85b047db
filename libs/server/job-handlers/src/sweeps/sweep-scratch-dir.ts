import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Deletes scratch files older than `olderThanMs`: what an import left when its worker
 * died mid-way. No attempt outlives its run timeout, so an old file has no reader.
 */
export async function sweepScratchDir(dir: string, olderThanMs: number): Promise<number> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of entries) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || Date.now() - info.mtimeMs < olderThanMs) continue;
    await rm(path, { force: true });
    removed += 1;
  }
  return removed;
}
