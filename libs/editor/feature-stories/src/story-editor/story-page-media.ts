import { ChangeDetectionStrategy, Component, computed, DestroyRef, inject, input, output } from '@angular/core';
import { MEDIA_PER_PAGE_MAX, type MediaView } from '@storyline/contracts';
import { FileTransfer, UploadQueue } from '@storyline/editor/data-access';
import { FileDrop, ToastService, UploadProgress } from '@storyline/editor/ui';
import { mediaFileRefusal } from './media-file-refusal';

/** A page's image as the strip shows it; `missing` when the story has no media of that id (never, normally). */
interface Thumbnail {
  id: string;
  fileName: string;
  url: string;
  state: MediaView['state'] | 'missing';
}

/**
 * One page's images: thumbnails in page order (a placeholder while a fork still
 * copies one), a picker and a drop target to add more, each file's upload progress,
 * and why a file was refused. Uploads go one at a time; each image the server takes
 * is reported through `uploaded`, and the page adds it and saves.
 */
@Component({
  selector: 'sl-story-page-media',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FileDrop, UploadProgress],
  template: `
    <section
      class="media"
      slFileDrop
      [attr.data-testid]="'page-media-' + index()"
      [attr.aria-label]="'Images of page ' + (index() + 1)"
      (filesDropped)="add($event)"
    >
      <div class="media__head">
        <span class="media__title">Images</span>
        <span class="media__count" [attr.data-testid]="'page-media-count-' + index()">{{ count() }}</span>
        <button type="button" class="button button--quiet" [attr.data-testid]="'page-media-add-' + index()" [disabled]="full()" (click)="picker.click()">
          Add images
        </button>
        <input
          #picker
          type="file"
          hidden
          accept="image/png,image/jpeg"
          multiple
          [attr.data-testid]="'page-media-input-' + index()"
          (change)="picked($event)"
        />
      </div>
      @if (thumbnails().length > 0) {
        <ul class="media__list">
          @for (thumbnail of thumbnails(); track thumbnail.id) {
            <li class="media__item" data-testid="media-item" [attr.data-media-id]="thumbnail.id" [attr.data-state]="thumbnail.state">
              @switch (thumbnail.state) {
                @case ('ready') {
                  <img data-testid="media-thumbnail" [src]="thumbnail.url" [alt]="thumbnail.fileName" [title]="thumbnail.fileName" loading="lazy" />
                }
                @case ('copying') {
                  <span class="media__placeholder" data-testid="media-copying">copying…</span>
                }
                @default {
                  <span class="media__placeholder" data-testid="media-missing">missing</span>
                }
              }
              <button
                type="button"
                class="media__remove"
                data-testid="media-remove"
                [attr.aria-label]="'Remove ' + thumbnail.fileName + ' from this page'"
                (click)="removed.emit(thumbnail.id)"
              >
                ×
              </button>
            </li>
          }
        </ul>
      } @else if (queue.items().length === 0) {
        <p class="media__hint">Drop PNG or JPEG images here, or use “Add images”.</p>
      }
      @for (upload of queue.items(); track upload.id) {
        <sl-upload-progress [upload]="upload" (dismissed)="queue.dismiss(upload.id)" />
      }
    </section>
  `,
  styles: `
    .media { display: grid; gap: 0.5rem; padding: 0.75rem; border: 1px dashed var(--sl-border); border-radius: var(--sl-radius); }
    .media.file-drop--over { border-color: var(--sl-accent); background: var(--sl-accent-bg); }
    .media__head { display: flex; align-items: center; gap: 0.75rem; }
    .media__title { font-size: 0.85rem; font-weight: 600; color: var(--sl-muted); }
    .media__count { flex: 1; font-size: 0.85rem; color: var(--sl-muted); }
    .media__list { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .media__item { position: relative; width: 6rem; height: 6rem; border-radius: var(--sl-radius); overflow: hidden; background: var(--sl-muted-bg); }
    .media__item img { width: 100%; height: 100%; object-fit: cover; display: block; }
    .media__placeholder { display: grid; place-items: center; height: 100%; font-size: 0.8rem; color: var(--sl-muted); }
    .media__item[data-state='copying'] .media__placeholder { animation: pulse 1s ease-in-out infinite alternate; }
    .media__remove {
      position: absolute; top: 0.2rem; right: 0.2rem; width: 1.5rem; height: 1.5rem; padding: 0;
      border: none; border-radius: 50%; background: rgb(0 0 0 / 0.6); color: #fff; font-size: 1rem; line-height: 1; cursor: pointer;
    }
    .media__hint { margin: 0; font-size: 0.85rem; color: var(--sl-muted); }
    @keyframes pulse { from { opacity: 1; } to { opacity: 0.4; } }
    @media (prefers-reduced-motion: reduce) { .media__item[data-state='copying'] .media__placeholder { animation: none; } }
  `,
})
export class StoryPageMedia {
  readonly storyId = input.required<string>();
  /** The page's position, for labels and test ids. */
  readonly index = input.required<number>();
  /** The page's media ids, in display order. */
  readonly mediaIds = input.required<readonly string[]>();
  /** Every image of the story, by id. */
  readonly library = input.required<ReadonlyMap<string, MediaView>>();
  /** The server took an image for this page. */
  readonly uploaded = output<MediaView>();
  /** The user took an image off this page (it stays in the story's media). */
  readonly removed = output<string>();

  private readonly files = inject(FileTransfer);
  private readonly toasts = inject(ToastService);
  protected readonly queue = new UploadQueue<MediaView>({
    upload: (file, onProgress, signal) => this.files.uploadMedia(this.storyId(), file, { onProgress, signal }),
    onUploaded: (media) => this.uploaded.emit(media),
    onFailed: (file, message) => this.toasts.show('error', message.includes(file.name) ? message : `“${file.name}” was not added: ${message}`),
  });

  protected readonly thumbnails = computed<Thumbnail[]>(() => {
    const library = this.library();
    return this.mediaIds().map((id) => {
      const media = library.get(id);
      return media ? { id, fileName: media.fileName, url: media.url, state: media.state } : { id, fileName: 'image', url: '', state: 'missing' };
    });
  });
  protected readonly count = computed(() => `${this.mediaIds().length} / ${MEDIA_PER_PAGE_MAX}`);
  protected readonly full = computed(() => this.mediaIds().length + this.queue.pending() >= MEDIA_PER_PAGE_MAX);

  constructor() {
    inject(DestroyRef).onDestroy(() => this.queue.cancel());
  }

  protected picked(event: Event): void {
    const picker = event.target as HTMLInputElement;
    this.add(Array.from(picker.files ?? []));
    // Let the same file be chosen again after a refusal.
    picker.value = '';
  }

  /** Queues each file the page has room for; the rest are refused with a reason. */
  protected add(files: readonly File[]): void {
    let slotsLeft = MEDIA_PER_PAGE_MAX - this.mediaIds().length - this.queue.pending();
    for (const file of files) {
      const refusal = mediaFileRefusal(file, slotsLeft);
      this.queue.add(file, refusal);
      if (!refusal) slotsLeft -= 1;
    }
  }
}
