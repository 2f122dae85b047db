import { expect } from 'vitest';
import type { TestClient, TestStack } from './test-stack';

/** A job's file through the real download path: `files.downloadLink`, then GET the link. */
export async function downloadArtifact(stack: TestStack, client: TestClient, jobId: string): Promise<{ response: Response; bytes: Buffer }> {
  const link = await client.files.downloadLink.mutate({ jobId });
  const response = await fetch(`${stack.baseUrl}${link.url}`);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The bytes of a story image as its owner gets them from `GET /files/media/<id>`. */
export async function fetchImage(stack: TestStack, cookie: string, mediaId: string): Promise<Buffer> {
  const response = await fetch(`${stack.baseUrl}/files/media/${mediaId}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}
