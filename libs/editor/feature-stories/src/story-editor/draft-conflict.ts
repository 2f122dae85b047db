import { signal, type Signal, type WritableSignal } from '@angular/core';

/** One labelled text of a draft ("Page 2 · English", "Name"), the unit a conflict compares. */
export interface DraftField {
  label: string;
  text: string;
}

/** A field both versions have, or only one, with its text in each ('' where it is missing). */
export interface DraftFieldDifference {
  label: string;
  mine: string;
  saved: string;
}

/** The fields whose texts differ between two versions of a draft, in the order the author reads them. */
export function fieldDifferences(mine: readonly DraftField[], saved: readonly DraftField[]): DraftFieldDifference[] {
  const savedText = new Map(saved.map((field) => [field.label, field.text]));
  const mineLabels = new Set(mine.map((field) => field.label));
  return [
    ...mine.map((field) => ({ label: field.label, mine: field.text, saved: savedText.get(field.label) ?? '' })),
    ...saved.filter((field) => !mineLabels.has(field.label)).map((field) => ({ label: field.label, mine: '', saved: field.text })),
  ].filter((field) => field.mine !== field.saved);
}

/** The version saved elsewhere that a save ran into. */
export interface SavedElsewhere<Draft> {
  draft: Draft;
  fields: readonly DraftField[];
  /** When the server saved it (ISO). */
  savedAt: string;
}

/** The version the author did not keep, with the texts that differed, kept on screen to copy from until dismissed. */
export interface SetAsideVersion {
  heading: string;
  fields: readonly DraftField[];
}

/** What the conflict panel reads of a {@link DraftConflict}, whatever its draft. */
export interface DraftConflictView {
  readonly savedElsewhere: Signal<Omit<SavedElsewhere<unknown>, 'draft'> | null>;
  readonly setAside: WritableSignal<SetAsideVersion | null>;
}

/**
 * A draft's conflict: a save found the draft changed elsewhere (another tab, another device,
 * a version opened as the draft). While it is open the author sees both versions and chooses;
 * whichever they do not keep stays on screen to copy from, so neither choice loses a word.
 */
export class DraftConflict<Draft> implements DraftConflictView {
  /** The newer version the save ran into, while the author chooses; null when no conflict is open. */
  readonly savedElsewhere = signal<SavedElsewhere<Draft> | null>(null);
  readonly setAside = signal<SetAsideVersion | null>(null);

  open(savedElsewhere: SavedElsewhere<Draft>): void {
    this.savedElsewhere.set(savedElsewhere);
  }

  /**
   * "Keep mine": answers the version saved elsewhere, whose revision the next save is based on;
   * its differing texts stay to copy from.
   */
  keepMine(mine: readonly DraftField[]): Draft | null {
    return this.close(mine, (differences) => ({ heading: 'The version saved elsewhere, replaced by yours', fields: differences.map(({ label, saved }) => ({ label, text: saved })) }));
  }

  /** "Take the saved one": answers it, to show in the form; the author's differing texts stay to copy from. */
  takeSaved(mine: readonly DraftField[]): Draft | null {
    return this.close(mine, (differences) => ({ heading: 'Your version, not saved', fields: differences.map(({ label, mine: text }) => ({ label, text })) }));
  }

  /** Another draft is loading: nothing of this one's conflict applies. */
  clear(): void {
    this.savedElsewhere.set(null);
    this.setAside.set(null);
  }

  private close(mine: readonly DraftField[], setAside: (differences: DraftFieldDifference[]) => SetAsideVersion): Draft | null {
    const open = this.savedElsewhere();
    if (!open) return null;
    this.savedElsewhere.set(null);
    this.setAside.set(setAside(fieldDifferences(mine, open.fields)));
    return open.draft;
  }
}
