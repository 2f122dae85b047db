import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/**
 * The small round count beside a header button's label (jobs in progress, unread
 * notices): `<span slCountBadge tone="danger">{{ count }}</span>`. The accent marks what
 * is under way, danger what wants reading.
 */
@Component({
  selector: 'span[slCountBadge]',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.danger]': "tone() === 'danger'" },
  template: `<ng-content />`,
  styles: `
    :host { min-width: 1.3rem; padding: 0 0.35rem; border-radius: 999px; font-size: 0.75rem; font-weight: 600; text-align: center; background: var(--sl-accent); color: #fff; }
    :host(.danger) { background: var(--sl-danger); }
  `,
})
export class CountBadge {
  readonly tone = input<'accent' | 'danger'>('accent');
}
