import { describe, expect, it, vi } from 'vitest';
import type { UploadProgress } from './upload-file';
import { UploadQueue } from './upload-queue';

/** An upload the test finishes by hand, one per file sent. */
interface Sending {
  file: File;
  progress: (progress: UploadProgress) => void;
  signal: AbortSignal;
  resolve: (result: string) => void;
  reject: (error: unknown) => void;
}

function queue() {
  const sent: Sending[] = [];
  const uploaded: string[] = [];
  const failed: Array<[string, string]> = [];
  const upload = vi.fn(
    (file: File, progress: (progress: UploadProgress) => void, signal: AbortSignal) =>
      new Promise<string>((resolve, reject) => sent.push({ file, progress, signal, resolve, reject })),
  );
  const subject = new UploadQueue<string>({
    upload,
    onUploaded: (result) => uploaded.push(result),
    onFailed: (file, message) => failed.push([file.name, message]),
  });
  return { subject, sent, uploaded, failed, upload };
}

const file = (name: string, bytes = 100) => new File([new Uint8Array(bytes)], name, { type: 'image/png' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('UploadQueue', () => {
  it('sends files one after another in the order they were added', async () => {
    const { subject, sent, uploaded } = queue();
    subject.add(file('a.png'));
    subject.add(file('b.png'));
    expect(sent.map((s) => s.file.name)).toEqual(['a.png']);
    expect(subject.items().map((item) => item.state)).toEqual(['uploading', 'queued']);

    sent[0].resolve('A');
    await settle();
    expect(sent.map((s) => s.file.name)).toEqual(['a.png', 'b.png']);
    sent[1].resolve('B');
    await settle();
    expect(uploaded).toEqual(['A', 'B']);
    expect(subject.items()).toEqual([]);
    expect(subject.busy()).toBe(false);
  });

  it('shows the bytes sent of each file as its upload reports them', () => {
    const { subject, sent } = queue();
    subject.add(file('a.png', 1_000));
    sent[0].progress({ loaded: 400, total: 1_000 });
    expect(subject.items()[0]).toMatchObject({ name: 'a.png', size: 1_000, loaded: 400, state: 'uploading' });
  });

  it("keeps a refused file with the server's reason and goes on with the next", async () => {
    const { subject, sent, failed, uploaded } = queue();
    subject.add(file('big.png'));
    subject.add(file('ok.png'));
    sent[0].reject(new Error('The file is too large'));
    await settle();
    expect(subject.items().map(({ name, state, error }) => ({ name, state, error }))).toEqual([
      { name: 'big.png', state: 'failed', error: 'The file is too large' },
      { name: 'ok.png', state: 'uploading', error: null },
    ]);
    expect(failed).toEqual([['big.png', 'The file is too large']]);
    sent[1].resolve('OK');
    await settle();
    expect(uploaded).toEqual(['OK']);
    expect(subject.pending()).toBe(0);
  });

  it('never sends a file the editor refused, and says why', () => {
    const { subject, upload, failed } = queue();
    subject.add(file('notes.txt'), '“notes.txt” is not a PNG or JPEG image');
    expect(upload).not.toHaveBeenCalled();
    expect(subject.items()[0]).toMatchObject({ state: 'failed', error: '“notes.txt” is not a PNG or JPEG image' });
    expect(subject.busy()).toBe(false);
    expect(failed).toHaveLength(1);
  });

  it('drops a failed row when it is dismissed', async () => {
    const { subject, sent } = queue();
    subject.add(file('a.png'));
    sent[0].reject(new Error('no'));
    await settle();
    subject.dismiss(subject.items()[0].id);
    expect(subject.items()).toEqual([]);
  });

  it('aborts the file on its way and forgets the waiting ones when cancelled', async () => {
    const { subject, sent, uploaded, failed } = queue();
    subject.add(file('a.png'));
    subject.add(file('b.png'));
    subject.cancel();
    expect(sent[0].signal.aborted).toBe(true);
    sent[0].reject(new DOMException('cancelled', 'AbortError'));
    await settle();
    expect(sent).toHaveLength(1);
    expect(subject.items()).toEqual([]);
    expect(uploaded).toEqual([]);
    expect(failed).toEqual([]);
  });
});
