import type { StoryLanguage } from '@storyline/contracts';

/** The words a story document adds around the story's own text, in the story's language. */
export interface DocumentLabels {
  /** The BCP 47 tag written to the PDF catalog, so screen readers and hyphenating viewers pick the right language. */
  tag: string;
  languageName: string;
  pageCount(count: number): string;
  pageHeading(number: number, total: number): string;
  emptyPage: string;
  imageUnavailable: string;
}

const romanianPlural = new Intl.PluralRules('ro');

// Keyed by every story language, so adding one to the contracts fails to compile until it has its words here.
const LABELS: Record<StoryLanguage, DocumentLabels> = {
  en: {
    tag: 'en',
    languageName: 'English',
    pageCount: (count) => (count === 1 ? '1 page' : `${count} pages`),
    pageHeading: (number, total) => `Page ${number} of ${total}`,
    emptyPage: '(empty page)',
    imageUnavailable: 'Image could not be shown',
  },
  ro: {
    tag: 'ro',
    languageName: 'Română',
    // Romanian counts "1 pagină", "2 pagini", "20 de pagini", "101 pagini": exactly the CLDR one/few/other split.
    pageCount: (count) => {
      const form = romanianPlural.select(count);
      return form === 'one' ? `${count} pagină` : form === 'few' ? `${count} pagini` : `${count} de pagini`;
    },
    pageHeading: (number, total) => `Pagina ${number} din ${total}`,
    emptyPage: '(pagină goală)',
    imageUnavailable: 'Imaginea nu a putut fi afișată',
  },
};

/** The labels for one language. */
export function documentLabels(language: StoryLanguage): DocumentLabels {
  return LABELS[language];
}
