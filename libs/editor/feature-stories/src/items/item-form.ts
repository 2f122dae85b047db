import { computed, signal } from '@angular/core';
import type { JobStarted } from '@storyline/contracts';
import { errorMessage, type JobFollower } from '@storyline/editor/data-access';
import type { DraftField } from '../story-editor/draft-conflict';
import { DraftSync, type RevisedDraft } from '../story-editor/draft-sync';

/** What every epic, region and hero has: a name and a description in each language. */
export interface DescribedItem {
  name: string;
  description: { en: string; ro: string };
}

/** What the form of an epic, region or hero holds: its texts, and whatever else its page edits (an epic's items). */
export interface ItemContent<Extra> extends DescribedItem {
  extra: Extra;
}

/** Whatever else a page edits beside the texts (an epic's items), which the page itself holds. */
export interface ItemExtra<T, Extra> {
  /** What the page holds now. */
  current: () => Extra;
  /** What the server's `item` holds. */
  of: (item: T) => Extra;
  same: (a: Extra, b: Extra) => boolean;
  /** Shows the server's `item` in the page's own fields. */
  show: (item: T) => void;
  /** Labelled texts for a conflict's side-by-side view. */
  fields: (extra: Extra) => DraftField[];
}

export interface ItemFormOptions<T, Extra> {
  /** Names the item among the browser's tabs, e.g. `epic:<id>`. */
  key: () => string;
  /** Sends what the form holds, based on `revision`; answers what the server now holds. */
  save: (content: ItemContent<Extra>, revision: number) => Promise<T>;
  /** Reads what the server holds now. */
  read: () => Promise<T>;
  extra: ItemExtra<T, Extra>;
}

/** For a page that edits nothing beside the texts (regions, heroes). */
export const NO_EXTRA: ItemExtra<unknown, null> = { current: () => null, of: () => null, same: () => true, show: () => undefined, fields: () => [] };

const sameTexts = (a: DescribedItem, b: DescribedItem) => a.name === b.name && a.description.en === b.description.en && a.description.ro === b.description.ro;

/**
 * The name and bilingual description of an epic, region or hero as the user edits them
 * (and whatever else the page edits), against what the server holds. It saves by itself
 * with revisions and conflicts as a story's draft does ({@link DraftSync}), and starts a job
 * (publish, take a version) only once everything is saved, so the job holds what the user sees.
 * Create it in an injection context (a field initializer).
 */
export class ItemForm<T extends DescribedItem & RevisedDraft, Extra = null> {
  /** What the server last said it holds; null until loaded. */
  readonly saved = signal<T | null>(null);
  readonly name = signal('');
  readonly en = signal('');
  readonly ro = signal('');
  /** What the form held when the server last saved or showed it: edits since then are unsaved. */
  private readonly baseline = signal<ItemContent<Extra> | null>(null);
  /** Why starting a job failed. */
  private readonly jobError = signal<string | null>(null);

  readonly dirty = computed(() => {
    const baseline = this.baseline();
    return !!baseline && !this.holds(baseline, this.content());
  });
  readonly sync = new DraftSync<T, ItemContent<Extra>>({
    key: () => this.options.key(),
    content: () => this.content(),
    dirty: () => this.dirty(),
    canSave: () => this.saved() !== null,
    save: (content, revision) => this.options.save(content, revision),
    read: () => this.options.read(),
    saved: (content, item) => {
      this.saved.set(item);
      this.baseline.set(content);
    },
    show: (item) => this.showItem(item),
    holds: (item, content) => this.holds(this.contentOf(item), content),
    contentOf: (item) => this.contentOf(item),
    fields: (content) => [
      { label: 'Name', text: content.name },
      { label: 'English description', text: content.description.en },
      { label: 'Romanian description', text: content.description.ro },
      ...this.options.extra.fields(content.extra),
    ],
  });
  readonly saving = this.sync.saves.saving;
  /** Why the last save or job start failed, shown below the form. */
  readonly error = computed(() => this.jobError() ?? this.sync.error());
  /** Beside the buttons: "Saving…", "Offline — will retry", "Unsaved changes", a conflict, or "Saved". */
  readonly status = computed(() => this.sync.saves.status() || 'Saved');

  constructor(private readonly options: ItemFormOptions<T, Extra>) {}

  /** Shows what the server holds (just loaded), in place of what the form held. */
  show(item: T): void {
    this.sync.show(item);
  }

  /** Another item is loading: until it shows, nothing is saved (the form still holds the previous one). */
  clear(): void {
    this.saved.set(null);
    this.baseline.set(null);
    this.sync.saves.clear();
  }

  /** The form's submit (Save, or Enter in the name): saves at once, in place of the browser's navigation. */
  submit(event: Event): void {
    event.preventDefault();
    this.sync.saves.saveSoon();
  }

  /** Starts `follower`'s job once unsaved edits are saved (and not at all when saving fails). */
  startSaved(follower: JobFollower, request: () => Promise<JobStarted>): Promise<void> {
    this.jobError.set(null);
    return follower.start(async () => ((await this.sync.saves.saveIfDirty()) ? request() : null)).catch((error: unknown) => this.jobError.set(errorMessage(error)));
  }

  private content(): ItemContent<Extra> {
    return { name: this.name(), description: { en: this.en(), ro: this.ro() }, extra: this.options.extra.current() };
  }

  private contentOf(item: T): ItemContent<Extra> {
    return { name: item.name, description: item.description, extra: this.options.extra.of(item) };
  }

  private holds(a: ItemContent<Extra>, b: ItemContent<Extra>): boolean {
    return sameTexts(a, b) && this.options.extra.same(a.extra, b.extra);
  }

  private showItem(item: T): void {
    this.name.set(item.name);
    this.en.set(item.description.en);
    this.ro.set(item.description.ro);
    this.options.extra.show(item);
    this.saved.set(item);
    this.baseline.set(this.contentOf(item));
  }
}
