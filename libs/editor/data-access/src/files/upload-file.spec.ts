import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileRequestError, uploadFile } from './upload-file';

/** Just enough of XMLHttpRequest to drive an upload from the test. */
class FakeXhr {
  static last: FakeXhr | null = null;
  readonly upload: { onprogress: ((event: ProgressEventInit) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = '';
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: FormData | null = null;
  aborted = false;

  constructor() {
    FakeXhr.last = this;
  }
  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  send(body: FormData): void {
    this.body = body;
  }
  abort(): void {
    this.aborted = true;
    this.onabort?.();
  }

  progress(loaded: number, total: number, lengthComputable = true): void {
    this.upload.onprogress?.({ loaded, total, lengthComputable });
  }
  answer(status: number, body: string): void {
    this.status = status;
    this.responseText = body;
    this.onload?.();
  }
}

function xhr(): FakeXhr {
  if (!FakeXhr.last) throw new Error('no request was made');
  return FakeXhr.last;
}

const png = () => new File([new Uint8Array(2_000)], 'lantern.png', { type: 'image/png' });

beforeEach(() => {
  FakeXhr.last = null;
  vi.stubGlobal('XMLHttpRequest', FakeXhr);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('uploadFile', () => {
  it('posts the file as multipart form data under the field "file"', async () => {
    const done = uploadFile('/files/media?storyId=abc', png());
    expect(xhr().method).toBe('POST');
    expect(xhr().url).toBe('/files/media?storyId=abc');
    const sent = xhr().body?.get('file');
    expect(sent).toBeInstanceOf(File);
    expect((sent as File).name).toBe('lantern.png');
    xhr().answer(201, '{"media":{"id":"m1"}}');
    await expect(done).resolves.toEqual({ media: { id: 'm1' } });
  });

  it('reports the bytes sent of the total as the body goes out', async () => {
    const seen: Array<[number, number]> = [];
    const done = uploadFile('/files/imports', png(), { onProgress: ({ loaded, total }) => seen.push([loaded, total]) });
    xhr().progress(500, 2_000);
    xhr().progress(2_000, 2_000);
    xhr().answer(202, '{"jobId":"j1","status":"Queued"}');
    await done;
    expect(seen).toEqual([
      [500, 2_000],
      [2_000, 2_000],
    ]);
  });

  it("takes the file's size as the total when the browser cannot compute one", async () => {
    const seen: number[] = [];
    const done = uploadFile('/files/imports', png(), { onProgress: ({ total }) => seen.push(total) });
    xhr().progress(100, 0, false);
    xhr().answer(202, '{}');
    await done;
    expect(seen).toEqual([2_000]);
  });

  it("rejects with the server's own message and code when it refuses the file", async () => {
    const done = uploadFile('/files/media?storyId=abc', png());
    xhr().answer(415, JSON.stringify({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'lantern.png is not a PNG or JPEG image' } }));
    const error = await done.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileRequestError);
    expect(error).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'lantern.png is not a PNG or JPEG image' });
  });

  it('says the file is too large when a proxy refuses it with a page of HTML', async () => {
    const done = uploadFile('/files/media?storyId=abc', png());
    xhr().answer(413, '<html><body>413 Request Entity Too Large</body></html>');
    await expect(done).rejects.toMatchObject({ status: 413, code: 'HTTP_413', message: 'The file is too large' });
  });

  it('names the status when a refusal has neither a body nor a known meaning', async () => {
    const done = uploadFile('/files/imports', png());
    xhr().answer(502, '');
    await expect(done).rejects.toMatchObject({ status: 502, message: 'The upload failed (HTTP 502)' });
  });

  it('rejects with status 0 when the server cannot be reached', async () => {
    const done = uploadFile('/files/imports', png());
    xhr().onerror?.();
    await expect(done).rejects.toMatchObject({ status: 0, code: 'NETWORK' });
  });

  it('rejects a success whose body is not JSON rather than resolving with nothing', async () => {
    const done = uploadFile('/files/imports', png());
    xhr().answer(200, 'OK');
    await expect(done).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('aborts the request when the signal fires, rejecting with an AbortError', async () => {
    const aborter = new AbortController();
    const done = uploadFile('/files/imports', png(), { signal: aborter.signal });
    aborter.abort();
    expect(xhr().aborted).toBe(true);
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sends nothing when the signal has already fired', async () => {
    const aborter = new AbortController();
    aborter.abort();
    await expect(uploadFile('/files/imports', png(), { signal: aborter.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeXhr.last).toBeNull();
  });
});
