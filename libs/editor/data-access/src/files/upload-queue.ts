import { computed, signal } from '@angular/core';
import { errorMessage } from '../api/error-message';
import type { UploadProgress } from './upload-file';

/** Where a file stands: waiting its turn, on its way, or refused (by the editor's checks or the server). */
export type UploadState = 'queued' | 'uploading' | 'failed';

/** One file of an {@link UploadQueue}, as a progress row shows it. */
export interface UploadItem {
  id: number;
  name: string;
  size: number;
  /** Bytes sent so far. */
  loaded: number;
  state: UploadState;
  /** Why it failed, as a sentence for the user. */
  error: string | null;
}

export interface UploadQueueOptions<T> {
  /** Sends one file; report progress through `onProgress` and honour `signal`. */
  upload: (file: File, onProgress: (progress: UploadProgress) => void, signal: AbortSignal) => Promise<T>;
  /** A file the server took, with its answer; its row leaves the queue. */
  onUploaded: (result: T, file: File) => void;
  /** A file refused by the editor's checks or by the server; its row stays, showing `message`. */
  onFailed?: (file: File, message: string) => void;
}

/**
 * Files sent one after another, in the order they were added, so what lands on a
 * page lands in the order the user chose. Finished files leave the list; failed
 * ones stay with their reason until dismissed. `cancel()` aborts the file on its
 * way and drops the waiting ones (call it when the page goes away).
 */
export class UploadQueue<T> {
  private readonly list = signal<readonly UploadItem[]>([]);
  private readonly files = new Map<number, File>();
  private nextId = 1;
  private current: AbortController | null = null;

  /** Every file waiting, on its way or refused, in the order added. */
  readonly items = this.list.asReadonly();
  /** How many files are still to be sent or on their way. */
  readonly pending = computed(() => this.list().filter((item) => item.state !== 'failed').length);
  /** Whether a file is on its way or waiting. */
  readonly busy = computed(() => this.pending() > 0);

  constructor(private readonly options: UploadQueueOptions<T>) {}

  /** Queues `file`, or with a `refusal` shows it as failed at once without sending it. */
  add(file: File, refusal: string | null = null): void {
    const item: UploadItem = { id: this.nextId++, name: file.name, size: file.size, loaded: 0, state: refusal ? 'failed' : 'queued', error: refusal };
    this.list.update((items) => [...items, item]);
    if (refusal) {
      this.options.onFailed?.(file, refusal);
      return;
    }
    this.files.set(item.id, file);
    if (!this.current) void this.drain();
  }

  /** Removes a failed file's row. */
  dismiss(id: number): void {
    this.list.update((items) => items.filter((item) => item.id !== id || item.state !== 'failed'));
  }

  /** Stops the file on its way and forgets the waiting ones; failed rows stay. */
  cancel(): void {
    this.current?.abort();
    this.current = null;
    this.files.clear();
    this.list.update((items) => items.filter((item) => item.state === 'failed'));
  }

  private async drain(): Promise<void> {
    for (let next = this.nextQueued(); next; next = this.nextQueued()) {
      const file = this.files.get(next.id);
      if (!file) return;
      const aborter = new AbortController();
      this.current = aborter;
      await this.send(next.id, file, aborter.signal);
      if (aborter.signal.aborted) return;
      this.current = null;
    }
  }

  private async send(id: number, file: File, signal: AbortSignal): Promise<void> {
    this.patch(id, { state: 'uploading' });
    try {
      const result = await this.options.upload(file, ({ loaded }) => this.patch(id, { loaded }), signal);
      if (signal.aborted) return;
      this.files.delete(id);
      this.list.update((items) => items.filter((item) => item.id !== id));
      this.options.onUploaded(result, file);
    } catch (error) {
      if (signal.aborted) return;
      this.files.delete(id);
      const message = errorMessage(error);
      this.patch(id, { state: 'failed', error: message });
      this.options.onFailed?.(file, message);
    }
  }

  private nextQueued(): UploadItem | undefined {
    return this.list().find((item) => item.state === 'queued');
  }

  private patch(id: number, change: Partial<UploadItem>): void {
    this.list.update((items) => items.map((item) => (item.id === id ? { ...item, ...change } : item)));
  }
}
