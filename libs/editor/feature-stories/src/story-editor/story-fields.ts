import type { MediaView } from '@storyline/contracts';
import type { DraftField } from './draft-conflict';
import type { SavedDraft } from './story-draft';

/**
 * A story draft's labelled texts, for a conflict's side-by-side view: the title, each page's
 * English and Romanian, and the names of each page's images (from `library`).
 */
export function storyFields(draft: SavedDraft, library: ReadonlyMap<string, MediaView>): DraftField[] {
  return [
    { label: 'Title', text: draft.title },
    ...draft.pages.flatMap((page, index) => [
      { label: `Page ${index + 1} · English`, text: page.en },
      { label: `Page ${index + 1} · Română`, text: page.ro },
      { label: `Page ${index + 1} · Images`, text: page.media.map((id) => library.get(id)?.fileName ?? 'an image').join('\n') },
    ]),
  ];
}
