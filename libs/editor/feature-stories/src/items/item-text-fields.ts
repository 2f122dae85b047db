import { ChangeDetectionStrategy, Component, input, type WritableSignal } from '@angular/core';

/** The text an {@link ItemForm} edits. */
export interface ItemText {
  name: WritableSignal<string>;
  en: WritableSignal<string>;
  ro: WritableSignal<string>;
}

/**
 * The name and description (English, Romanian) fields of an epic, region or hero. Its own
 * box is not drawn, so the fields sit in the parent form's grid as if written there.
 */
@Component({
  selector: 'sl-item-text-fields',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label class="field">
      <span>Name</span>
      <input name="name" maxlength="120" [attr.data-testid]="testIdPrefix() + '-name'" [value]="text().name()" (input)="text().name.set(valueOf($event))" />
    </label>
    <label class="field">
      <span>Description (English)</span>
      <textarea rows="4" [attr.data-testid]="testIdPrefix() + '-description-en'" [value]="text().en()" (input)="text().en.set(valueOf($event))"></textarea>
    </label>
    <label class="field">
      <span>Description (Romanian)</span>
      <textarea rows="4" lang="ro" [attr.data-testid]="testIdPrefix() + '-description-ro'" [value]="text().ro()" (input)="text().ro.set(valueOf($event))"></textarea>
    </label>
  `,
  styles: `
    :host { display: contents; }
  `,
})
export class ItemTextFields {
  readonly text = input.required<ItemText>();
  /** `epic`, `region` or `hero`: starts each field's test id (`epic-name`, `hero-description-en`, …). */
  readonly testIdPrefix = input.required<string>();

  protected valueOf(event: Event): string {
    return (event.target as HTMLInputElement | HTMLTextAreaElement).value;
  }
}
