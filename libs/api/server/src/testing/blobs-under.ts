import type { BlobContainer, BlobStore } from '@storyline/storage';

/** The names of every blob under `prefix` in `container`, sorted, so a test can compare them whole. */
export async function blobsUnder(blobs: BlobStore, container: BlobContainer, prefix: string): Promise<string[]> {
  const names: string[] = [];
  for await (const name of blobs.list(container, prefix)) names.push(name);
  return names.sort();
}
