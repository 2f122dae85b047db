import type { CanDeactivateFn } from '@angular/router';

/** A page that may hold work the server does not have yet. */
export interface GuardsUnsavedChanges {
  /** Saves what is unsaved; answers whether the page may go: nothing is lost, or the user agreed to lose it. */
  canLeave(): Promise<boolean>;
}

/** Lets the router leave a page only once the page has saved its work, or the user chose to leave it unsaved. */
export const unsavedChangesGuard: CanDeactivateFn<GuardsUnsavedChanges> = (page) => page.canLeave();
