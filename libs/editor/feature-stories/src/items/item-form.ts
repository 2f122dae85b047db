import { computed, signal } from '@angular/core';
import type { JobStarted } from '@storyline/contracts';
import { errorMessage, type JobFollower } from '@storyline/editor/data-access';

/** What every epic, region and hero has: a name and a description in each language. */
export interface DescribedItem {
  name: string;
  description: { en: string; ro: string };
}

export interface ItemFormOptions<T extends DescribedItem> {
  /** Sends the name and description typed (the page adds whatever else it edits); answers what the server now holds. */
  save: (text: DescribedItem) => Promise<T>;
  /** Whether whatever else the page edits differs from what the server holds (an epic's items). */
  differs?: (saved: T) => boolean;
}

/**
 * The name and bilingual description of an epic, region or hero as the user edits them,
 * against what the server holds: whether there are unsaved changes, saving them, and
 * starting a job (publish, take a version) only once they are saved, so the job holds
 * what the user sees.
 */
export class ItemForm<T extends DescribedItem> {
  /** What the server last said it holds; null until loaded. */
  readonly saved = signal<T | null>(null);
  readonly name = signal('');
  readonly en = signal('');
  readonly ro = signal('');
  readonly saving = signal(false);
  /** Why the last save or job start failed, shown below the form. */
  readonly error = signal<string | null>(null);

  readonly dirty = computed(() => {
    const saved = this.saved();
    if (!saved) return false;
    return saved.name !== this.name() || saved.description.en !== this.en() || saved.description.ro !== this.ro() || !!this.options.differs?.(saved);
  });
  /** Beside the buttons: "Saving…", "Unsaved changes" or "Saved". */
  readonly status = computed(() => (this.saving() ? 'Saving…' : this.dirty() ? 'Unsaved changes' : 'Saved'));

  constructor(private readonly options: ItemFormOptions<T>) {}

  /** Shows what the server holds, in place of what the form held. */
  show(item: T): void {
    this.saved.set(item);
    this.name.set(item.name);
    this.en.set(item.description.en);
    this.ro.set(item.description.ro);
  }

  /** The form's submit (Save, or Enter in the name): saves in place of the browser's navigation. */
  submit(event: Event): Promise<boolean> {
    event.preventDefault();
    return this.save();
  }

  /** Saves what the form holds; on failure shows the server's reason and answers false. */
  async save(): Promise<boolean> {
    this.saving.set(true);
    this.error.set(null);
    try {
      this.saved.set(await this.options.save({ name: this.name(), description: { en: this.en(), ro: this.ro() } }));
      return true;
    } catch (error) {
      this.error.set(errorMessage(error));
      return false;
    } finally {
      this.saving.set(false);
    }
  }

  /** Starts `follower`'s job once unsaved edits are saved (and not at all when saving fails). */
  startSaved(follower: JobFollower, request: () => Promise<JobStarted>): Promise<void> {
    this.error.set(null);
    return follower.start(async () => ((!this.dirty() || (await this.save())) ? request() : null)).catch((error: unknown) => this.error.set(errorMessage(error)));
  }
}
