import { DomainError, DRAFT_CONFLICT_MESSAGE } from '@storyline/contracts';

/**
 * A save whose compare-and-set (`… where revision = the one the save was based on`) changed
 * no row, because the draft has moved on: answered with the stored draft when that already
 * holds exactly what the save would write — a save retried after the network lost its
 * answer, or two tabs saving the same words — since nothing would be lost; refused with a
 * CONFLICT otherwise, so no change is silently overwritten.
 */
export function settleStaleSave<Row>(stored: Row | undefined, holdsSave: (stored: Row) => boolean): Row {
  if (!stored) throw new DomainError('NOT_FOUND', 'This draft no longer exists');
  if (holdsSave(stored)) return stored;
  throw new DomainError('CONFLICT', DRAFT_CONFLICT_MESSAGE);
}

/** Whether a stored epic, region or hero already has the name and descriptions a save would write. */
export function sameTexts(stored: NamedItem, save: NamedItem): boolean {
  return stored.name === save.name && stored.description.en === save.description.en && stored.description.ro === save.description.ro;
}

interface NamedItem {
  name: string;
  description: { en: string; ro: string };
}
