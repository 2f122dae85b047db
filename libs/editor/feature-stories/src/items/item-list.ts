import { afterNextRender, ChangeDetectionStrategy, Component, computed, effect, ElementRef, inject, Injector, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { errorMessage } from '@storyline/editor/data-access';
import { ToastService } from '@storyline/editor/ui';

const EDITED_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One line of a list page: the item's name, linking to its editor, and what it has to say about itself. */
export interface ItemRow {
  id: string;
  name: string;
  /** "version 2", "3 items · not published", … shown before "edited …". */
  meta: string;
  updatedAt: string;
}

/** What a list page says, and the test ids its parts carry (they predate this component and differ per page). */
export interface ItemListText {
  /** "My epics". */
  heading: string;
  /** Above the create field: "New epic". */
  newLabel: string;
  /** What names a new item: a story has a title, the rest a name (the field's name and placeholder). */
  field: 'name' | 'title';
  maxLength: number;
  /** The create button: "Create epic". */
  createLabel: string;
  /** Said when the list is empty. */
  empty: string;
  testIds: { newName: string; create: string; formError: string; list: string; item: string };
}

/**
 * A list page's body (stories, epics, regions, heroes): a heading, a form to create an item
 * that opens it once made (filling it is the next thing to do), then the user's items, newest
 * first, each with a Delete button. A delete happens at once and says so in a toast with
 * Undo (the way Gmail and Google Docs do), rather than asking first: the server keeps the
 * item through its undo window. Content projected into it sits between the form and the list
 * (the stories' import).
 */
@Component({
  selector: 'sl-item-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <h1>{{ text().heading }}</h1>

    <form class="card create" (submit)="submit($event)" novalidate>
      <label class="field create__name">
        <span>{{ text().newLabel }}</span>
        <input
          [attr.name]="text().field"
          [attr.placeholder]="placeholder()"
          [attr.maxlength]="text().maxLength"
          [attr.data-testid]="text().testIds.newName"
          [value]="newName()"
          (input)="newName.set(valueOf($event))"
        />
      </label>
      <button type="submit" class="button button--primary" [attr.data-testid]="text().testIds.create" [disabled]="creating()">{{ text().createLabel }}</button>
      @if (createError(); as error) {
        <p class="error create__error" role="alert" [attr.data-testid]="text().testIds.formError">{{ error }}</p>
      }
    </form>

    <ng-content />

    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (rows(); as rows) {
      <ul class="items" [attr.data-testid]="text().testIds.list">
        @for (row of rows; track row.id) {
          <li class="item" [attr.data-testid]="text().testIds.item" [attr.data-id]="row.id">
            <a class="item__name" [routerLink]="[path(), row.id]">{{ row.name }}</a>
            <span class="item__meta">{{ row.meta }} · edited {{ edited(row) }}</span>
            <button type="button" class="button button--quiet item__delete" data-testid="item-delete" [attr.aria-label]="'Delete ' + row.name" (click)="remove(row)">
              Delete
            </button>
          </li>
        } @empty {
          <li class="items__empty">{{ text().empty }}</li>
        }
      </ul>
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: `
    h1 { margin: 0 0 1rem; }
    .create { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem; margin-bottom: 1.5rem; }
    .create__name { flex: 1; min-width: 14rem; }
    .create__error { flex-basis: 100%; margin: 0; }
    .items { list-style: none; margin: 0; padding: 0; border: 1px solid var(--sl-border); border-radius: 8px; background: var(--sl-surface); }
    .item { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem; padding: 0.85rem 1rem; }
    .item + .item { border-top: 1px solid var(--sl-border); }
    .item__name { font-weight: 600; }
    .item__meta { flex: 1; color: var(--sl-muted); font-size: 0.9rem; text-align: right; }
    .items__empty { padding: 1rem; color: var(--sl-muted); }
  `,
})
export class ItemList {
  readonly text = input.required<ItemListText>();
  /** Where the items' editors live: `/epics` opens `/epics/:id`. */
  readonly path = input.required<string>();
  /** Reads the user's items, newest first. */
  readonly load = input.required<() => Promise<ItemRow[]>>();
  /** Makes an item with the name typed, answering its id. */
  readonly create = input.required<(name: string) => Promise<{ id: string }>>();
  /** Deletes an item (it can be restored for a while). */
  readonly deleteItem = input.required<(id: string) => Promise<unknown>>();
  /** Brings a deleted item back: the toast's Undo. */
  readonly restoreItem = input.required<(id: string) => Promise<unknown>>();

  private readonly router = inject(Router);
  private readonly toasts = inject(ToastService);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  protected readonly rows = signal<ItemRow[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly newName = signal('');
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);
  protected readonly placeholder = computed(() => (this.text().field === 'title' ? 'Title' : 'Name'));

  constructor() {
    effect(() => {
      this.load();
      untracked(() => this.reload());
    });
  }

  /** Reads the list again, as after an import made a new item. */
  reload(): void {
    this.load()().then(
      (rows) => {
        this.loadError.set(null);
        this.rows.set(rows);
      },
      (error: unknown) => this.loadError.set(errorMessage(error)),
    );
  }

  /** Deletes the row's item and takes it off the list, offering Undo in a toast. */
  protected async remove(row: ItemRow): Promise<void> {
    try {
      await this.deleteItem()(row.id);
    } catch (error) {
      this.toasts.show('error', `“${row.name}” was not deleted: ${errorMessage(error)}`);
      return;
    }
    const index = this.rows()?.indexOf(row) ?? 0;
    this.rows.update((rows) => rows?.filter((other) => other.id !== row.id) ?? null);
    afterNextRender(() => this.focusAfterDelete(index), { injector: this.injector });
    this.toasts.show('success', `Deleted “${row.name}”.`, { testId: 'deleted-toast', action: { label: 'Undo', run: () => void this.undo(row) } });
  }

  /** The pressed button is gone with its row: keyboard focus moves to the Delete of the row now in its place (or the last), else to the create field. */
  private focusAfterDelete(index: number): void {
    const host = this.host.nativeElement;
    const buttons = host.querySelectorAll<HTMLButtonElement>('.item__delete');
    (buttons[Math.min(index, buttons.length - 1)] ?? host.querySelector<HTMLInputElement>('.create__name input'))?.focus();
  }

  private async undo(row: ItemRow): Promise<void> {
    try {
      await this.restoreItem()(row.id);
      this.reload();
    } catch (error) {
      this.toasts.show('error', `“${row.name}” could not be restored: ${errorMessage(error)}`);
    }
  }

  protected edited(row: ItemRow): string {
    return EDITED_FORMAT.format(new Date(row.updatedAt));
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this.creating()) return;
    this.creating.set(true);
    this.createError.set(null);
    try {
      const item = await this.create()(this.newName());
      await this.router.navigate([this.path(), item.id]);
    } catch (error) {
      this.createError.set(errorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }
}
