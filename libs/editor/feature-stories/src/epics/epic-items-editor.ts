import { ChangeDetectionStrategy, Component, computed, input, model, signal } from '@angular/core';
import type { EpicItem } from '@storyline/contracts';

const KIND_LABELS = { story: 'Story', region: 'Region', hero: 'Hero' } as const;
const keyOf = (item: Pick<EpicItem, 'kind' | 'id'>) => `${item.kind}:${item.id}`;

/**
 * The ordered items of an epic, each moved with Up and Down or removed, and a picker
 * adding one of the owner's stories, regions and heroes not in it yet. Changes stay in
 * `items` until the page saves them.
 */
@Component({
  selector: 'sl-epic-items-editor',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <fieldset class="items">
      <legend>Items, in order</legend>
      <ol class="items__list" data-testid="epic-items">
        @for (item of rows(); track item.key; let index = $index, first = $first, last = $last) {
          <li class="item" data-testid="epic-item" [attr.data-kind]="item.kind" [attr.data-id]="item.id">
            <span class="item__name" data-testid="epic-item-name">{{ item.label }}</span>
            <span class="muted">{{ item.versionLabel }}</span>
            <span class="item__buttons">
              <button type="button" class="button" data-testid="epic-item-up" [disabled]="first" [attr.aria-label]="'Move ' + item.name + ' up'" (click)="move(index, -1)">Up</button>
              <button type="button" class="button" data-testid="epic-item-down" [disabled]="last" [attr.aria-label]="'Move ' + item.name + ' down'" (click)="move(index, 1)">Down</button>
              <button type="button" class="button" data-testid="epic-item-remove" [attr.aria-label]="'Remove ' + item.name" (click)="remove(index)">Remove</button>
            </span>
          </li>
        } @empty {
          <li class="muted">No items yet. Add a story, region or hero below.</li>
        }
      </ol>
      <div class="add">
        <label class="field add__field">
          <span>Add an item</span>
          <select data-testid="epic-add-select" [value]="picked()" (change)="picked.set(valueOf($event))">
            <option value="">Choose a story, region or hero…</option>
            @for (option of available(); track option.key) {
              <option [value]="option.key">{{ option.label }}</option>
            }
          </select>
        </label>
        <button type="button" class="button" data-testid="epic-add" [disabled]="!picked()" (click)="add()">Add</button>
      </div>
    </fieldset>
  `,
  styles: `
    .items { display: grid; gap: 0.75rem; border: 1px solid var(--sl-border); border-radius: 8px; padding: 0.75rem 1rem; }
    .items__list { margin: 0; padding-left: 1.5rem; display: grid; gap: 0.4rem; }
    .item { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
    .item__name { flex: 1; min-width: 10rem; }
    .item__buttons { display: flex; gap: 0.25rem; }
    .add { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.5rem; }
    .add__field { flex: 1; min-width: 14rem; }
  `,
})
export class EpicItemsEditor {
  readonly items = model.required<EpicItem[]>();
  /** Everything of the owner's that an epic may hold. */
  readonly candidates = input<EpicItem[]>([]);

  protected readonly picked = signal('');
  protected readonly rows = computed(() =>
    this.items().map((item) => ({
      ...item,
      key: keyOf(item),
      label: `${KIND_LABELS[item.kind]} · ${item.name}`,
      versionLabel: item.kind === 'story' ? (item.version === null ? 'not published' : `published version ${item.version}`) : item.version === null ? 'no version yet' : `version ${item.version}`,
    })),
  );
  protected readonly available = computed(() => {
    const inEpic = new Set(this.items().map(keyOf));
    return this.candidates()
      .filter((item) => !inEpic.has(keyOf(item)))
      .map((item) => ({ key: keyOf(item), label: `${KIND_LABELS[item.kind]} · ${item.name}` }));
  });

  protected valueOf(event: Event): string {
    return (event.target as HTMLSelectElement).value;
  }

  protected move(index: number, by: -1 | 1): void {
    const items = [...this.items()];
    [items[index], items[index + by]] = [items[index + by], items[index]];
    this.items.set(items);
  }

  protected remove(index: number): void {
    this.items.set(this.items().filter((_, at) => at !== index));
  }

  protected add(): void {
    const item = this.candidates().find((candidate) => keyOf(candidate) === this.picked());
    if (!item) return;
    this.items.set([...this.items(), item]);
    this.picked.set('');
  }
}
