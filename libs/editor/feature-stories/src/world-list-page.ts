import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { WorldItemSummary } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';
import { injectWorldKind } from './world-kind';
import { ITEM_LIST_STYLES } from './item-list-styles';

const EDITED_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The user's own regions or heroes (the route says which), newest first, and a form to add one. */
@Component({
  selector: 'sl-world-list-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <h1>My {{ plural }}</h1>

    <form class="card create" (submit)="create($event)" novalidate>
      <label class="field create__name">
        <span>New {{ label }}</span>
        <input name="name" placeholder="Name" maxlength="120" [attr.data-testid]="kind + '-new-name'" [value]="newName()" (input)="newName.set(valueOf($event))" />
      </label>
      <button type="submit" class="button button--primary" [attr.data-testid]="kind + '-create'" [disabled]="creating()">Create {{ label }}</button>
      @if (createError(); as error) {
        <p class="error create__error" role="alert" [attr.data-testid]="kind + '-form-error'">{{ error }}</p>
      }
    </form>

    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (rows(); as rows) {
      <ul class="items" [attr.data-testid]="kind + '-list'">
        @for (row of rows; track row.id) {
          <li class="item" [attr.data-testid]="kind + '-item'" [attr.data-id]="row.id">
            <a class="item__name" [routerLink]="['/' + area, row.id]">{{ row.name }}</a>
            <span class="item__meta">{{ row.versioned }} · edited {{ row.edited }}</span>
          </li>
        } @empty {
          <li class="items__empty">None yet. Name your first {{ label }} above.</li>
        }
      </ul>
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: [ITEM_LIST_STYLES],
})
export class WorldListPage {
  private readonly trpc = injectTrpc();
  private readonly router = inject(Router);
  private readonly view = injectWorldKind();
  protected readonly kind = this.view.kind;
  protected readonly area = this.view.area;
  protected readonly label = this.view.label.toLowerCase();
  protected readonly plural = this.view.plural.toLowerCase();

  private readonly items = signal<WorldItemSummary[] | null>(null);
  protected readonly rows = computed(() =>
    this.items()?.map((item) => ({
      id: item.id,
      name: item.name,
      versioned: item.latestVersion === null ? 'no version yet' : `version ${item.latestVersion}`,
      edited: EDITED_FORMAT.format(new Date(item.updatedAt)),
    })),
  );
  protected readonly loadError = signal<string | null>(null);
  protected readonly newName = signal('');
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);

  constructor() {
    this.trpc[this.area].list.query().then(
      (items) => this.items.set(items),
      (error: unknown) => this.loadError.set(errorMessage(error)),
    );
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  /** Creates it and opens it, since describing it is the next thing to do. */
  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    if (this.creating()) return;
    this.creating.set(true);
    this.createError.set(null);
    try {
      const item = await this.trpc[this.area].create.mutate({ name: this.newName() });
      await this.router.navigate(['/' + this.area, item.id]);
    } catch (error) {
      this.createError.set(errorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }
}
