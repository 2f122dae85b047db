import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { EpicSummary } from '@storyline/contracts';
import { errorMessage, injectTrpc } from '@storyline/editor/data-access';
import { ITEM_LIST_STYLES } from './item-list-styles';

const EDITED_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The user's own epics, newest first, and a form to start one. */
@Component({
  selector: 'sl-epic-list-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  template: `
    <h1>My epics</h1>

    <form class="card create" (submit)="create($event)" novalidate>
      <label class="field create__name">
        <span>New epic</span>
        <input name="name" placeholder="Name" maxlength="120" data-testid="epic-new-name" [value]="newName()" (input)="newName.set(valueOf($event))" />
      </label>
      <button type="submit" class="button button--primary" data-testid="epic-create" [disabled]="creating()">Create epic</button>
      @if (createError(); as error) {
        <p class="error create__error" role="alert" data-testid="epic-form-error">{{ error }}</p>
      }
    </form>

    @if (loadError(); as error) {
      <p class="error" role="alert">{{ error }}</p>
    } @else if (rows(); as rows) {
      <ul class="items" data-testid="epic-list">
        @for (row of rows; track row.id) {
          <li class="item" data-testid="epic-list-item" [attr.data-id]="row.id">
            <a class="item__name" [routerLink]="['/epics', row.id]">{{ row.name }}</a>
            <span class="item__meta">{{ row.meta }} · edited {{ row.edited }}</span>
          </li>
        } @empty {
          <li class="items__empty">None yet. Name your first epic above.</li>
        }
      </ul>
    } @else {
      <p class="muted">Loading…</p>
    }
  `,
  styles: [ITEM_LIST_STYLES],
})
export class EpicListPage {
  private readonly trpc = injectTrpc();
  private readonly router = inject(Router);

  private readonly epics = signal<EpicSummary[] | null>(null);
  protected readonly rows = computed(() =>
    this.epics()?.map((epic) => ({
      id: epic.id,
      name: epic.name,
      meta: [
        `${epic.itemCount} ${epic.itemCount === 1 ? 'item' : 'items'}`,
        epic.publishedVersion === null ? 'not published' : `published version ${epic.publishedVersion}`,
      ].join(' · '),
      edited: EDITED_FORMAT.format(new Date(epic.updatedAt)),
    })),
  );
  protected readonly loadError = signal<string | null>(null);
  protected readonly newName = signal('');
  protected readonly creating = signal(false);
  protected readonly createError = signal<string | null>(null);

  constructor() {
    this.trpc.epics.list.query().then(
      (epics) => this.epics.set(epics),
      (error: unknown) => this.loadError.set(errorMessage(error)),
    );
  }

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  /** Creates it and opens it, since filling it is the next thing to do. */
  protected async create(event: Event): Promise<void> {
    event.preventDefault();
    if (this.creating()) return;
    this.creating.set(true);
    this.createError.set(null);
    try {
      const epic = await this.trpc.epics.create.mutate({ name: this.newName() });
      await this.router.navigate(['/epics', epic.id]);
    } catch (error) {
      this.createError.set(errorMessage(error));
    } finally {
      this.creating.set(false);
    }
  }
}
