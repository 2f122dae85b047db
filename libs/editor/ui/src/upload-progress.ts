import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { formatByteSize } from './format-byte-size';

/** One file on its way to the server, as {@link UploadProgress} shows it. */
export interface UploadProgressView {
  name: string;
  size: number;
  loaded: number;
  state: 'queued' | 'uploading' | 'failed';
  error: string | null;
}

/** A file being uploaded: its name, a bar of the bytes sent, or why it was refused with a button to dismiss it. */
@Component({
  selector: 'sl-upload-progress',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="upload" data-testid="upload" [attr.data-state]="upload().state" [attr.data-file-name]="upload().name">
      <span class="upload__name" [title]="upload().name">{{ upload().name }}</span>
      <span class="upload__size">{{ size() }}</span>
      @if (upload().state === 'failed') {
        <p class="upload__error" role="alert" data-testid="upload-error">{{ upload().error }}</p>
        <button type="button" class="button button--quiet" data-testid="upload-dismiss" aria-label="Dismiss" (click)="dismissed.emit()">×</button>
      } @else {
        <div
          class="upload__bar"
          data-testid="upload-progress-bar"
          role="progressbar"
          [attr.aria-label]="'Uploading ' + upload().name"
          aria-valuemin="0"
          aria-valuemax="100"
          [attr.aria-valuenow]="percent()"
        >
          <div class="upload__fill" [style.width.%]="percent()"></div>
        </div>
        <span class="upload__status" data-testid="upload-status">{{ status() }}</span>
      }
    </div>
  `,
  styles: `
    .upload { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0.25rem 0.75rem; align-items: center; font-size: 0.85rem; }
    .upload__name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-weight: 600; }
    .upload__size, .upload__status { color: var(--sl-muted); font-variant-numeric: tabular-nums; }
    .upload__bar { height: 0.4rem; border-radius: 999px; background: var(--sl-muted-bg); overflow: hidden; }
    .upload__fill { height: 100%; background: var(--sl-accent); transition: width 0.2s ease; }
    .upload__error { margin: 0; color: var(--sl-danger); }
  `,
})
export class UploadProgress {
  readonly upload = input.required<UploadProgressView>();
  /** The user closed a failed file's row. */
  readonly dismissed = output();

  protected readonly size = computed(() => formatByteSize(this.upload().size));
  protected readonly percent = computed(() => {
    const { loaded, size } = this.upload();
    return size > 0 ? Math.min(100, Math.round((loaded / size) * 100)) : 0;
  });
  protected readonly status = computed(() => (this.upload().state === 'queued' ? 'Waiting…' : `${this.percent()} %`));
}
