import type { TestClient, TestStack } from './test-stack';

/** A job's file through the real download path: `files.downloadLink`, then GET the link. */
export async function downloadArtifact(stack: TestStack, client: TestClient, jobId: string): Promise<{ response: Response; bytes: Buffer }> {
  const link = await client.files.downloadLink.mutate({ jobId });
  const response = await fetch(`${stack.baseUrl}${link.url}`);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

