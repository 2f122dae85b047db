import { testImages } from '@storyline/story-document/testing';

/** A real `size`×`size` RGB PNG whose pixels depend on `seed`, so two images differ byte for byte. */
export function testPng(seed = 1, size = 4): Buffer {
  return testImages.png({ width: size, height: size, seed });
}

/** Posts one file as multipart/form-data (field `file`), as the editor does. */
export async function postFile(url: string, cookie: string | null, file: { name: string; bytes: Buffer; type?: string }): Promise<{ status: number; body: FileAnswer }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
  const response = await fetch(url, { method: 'POST', body: form, headers: cookie ? { cookie } : {} });
  const text = await response.text();
  let body: FileAnswer = { text };
  try {
    body = JSON.parse(text) as FileAnswer;
  } catch {
    // Not JSON: the test sees the text.
  }
  return { status: response.status, body };
}

/** What a file route answered: its JSON, or `{ text }` when it was not JSON. */
export interface FileAnswer {
  text?: string;
  error?: { code: string; message: string };
  media?: { id: string; url: string; fileName: string; contentType: string; byteSize: number; state: string };
  jobId?: string;
  status?: string;
}
