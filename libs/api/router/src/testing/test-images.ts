import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real `size`×`size` RGB PNG whose pixels depend on `seed`, so two images differ byte for byte. */
export function testPng(seed = 1, size = 4): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size * 3; x += 1) rows[y * (1 + size * 3) + 1 + x] = (seed * 37 + x * 11 + y * 17) % 256;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
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
