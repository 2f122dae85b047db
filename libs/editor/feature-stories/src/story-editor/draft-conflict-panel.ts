import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { fieldDifferences, type DraftConflictView, type DraftField } from './draft-conflict';

/**
 * Shows a draft's open conflict — each text that differs, the author's beside the one saved
 * elsewhere, both selectable to copy — with the two choices: keep mine (saves it over the
 * newer version) or take the saved one. Once chosen, the version not kept stays below, to
 * copy from, until dismissed.
 */
@Component({
  selector: 'sl-draft-conflict-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe],
  template: `
    @if (conflict().savedElsewhere(); as saved) {
      <section class="conflict card" role="alert" aria-labelledby="draft-conflict-heading" data-testid="draft-conflict">
        <h2 id="draft-conflict-heading">This draft was changed elsewhere</h2>
        <p>
          A newer version was saved at {{ saved.savedAt | date: 'mediumTime' }} (in another tab or window, or by opening a version as the draft).
          Nothing is saved until you choose which to keep.
        </p>
        @for (field of differences(); track field.label) {
          <div class="conflict__field" data-testid="conflict-field">
            <h3>{{ field.label }}</h3>
            <label class="field">
              <span>Yours</span>
              <textarea readonly rows="3" data-testid="conflict-mine" [value]="field.mine"></textarea>
            </label>
            <label class="field">
              <span>Saved elsewhere</span>
              <textarea readonly rows="3" data-testid="conflict-saved" [value]="field.saved"></textarea>
            </label>
          </div>
        } @empty {
          <p class="muted">The two versions differ only in what this page does not show as text (such as images).</p>
        }
        <div class="conflict__choices">
          <button type="button" class="button button--primary" data-testid="conflict-keep-mine" (click)="keepMine.emit()">Keep mine</button>
          <button type="button" class="button" data-testid="conflict-take-saved" (click)="takeSaved.emit()">Take the saved one</button>
        </div>
      </section>
    }
    @if (conflict().setAside(); as setAside) {
      <section class="conflict card" aria-labelledby="draft-set-aside-heading" data-testid="draft-set-aside">
        <h2 id="draft-set-aside-heading">{{ setAside.heading }}</h2>
        <p class="muted">Kept here so you can copy from it; it goes when you dismiss it or leave the page.</p>
        @for (field of setAside.fields; track field.label) {
          <label class="field">
            <span>{{ field.label }}</span>
            <textarea readonly rows="3" data-testid="set-aside-text" [value]="field.text"></textarea>
          </label>
        }
        <button type="button" class="button button--quiet" data-testid="set-aside-dismiss" (click)="conflict().setAside.set(null)">Dismiss</button>
      </section>
    }
  `,
  styles: `
    :host { display: grid; gap: 1rem; }
    .conflict { display: grid; gap: 0.75rem; }
    .conflict h2 { margin: 0; font-size: 1.1rem; }
    .conflict h3 { margin: 0; font-size: 1rem; grid-column: 1 / -1; }
    .conflict p { margin: 0; }
    .conflict__field { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: 0.5rem 1rem; }
    .conflict__choices { display: flex; flex-wrap: wrap; gap: 0.75rem; }
    .conflict > button { justify-self: start; }
    textarea { resize: vertical; }
  `,
})
export class DraftConflictPanel {
  readonly conflict = input.required<DraftConflictView>();
  /** The author's version as the form holds it now. */
  readonly mine = input.required<readonly DraftField[]>();
  readonly keepMine = output<void>();
  readonly takeSaved = output<void>();

  protected readonly differences = computed(() => {
    const saved = this.conflict().savedElsewhere();
    return saved ? fieldDifferences(this.mine(), saved.fields) : [];
  });
}
