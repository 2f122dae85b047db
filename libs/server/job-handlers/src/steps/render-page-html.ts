import type { StoryPage } from '@storyline/contracts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]);

/**
 * One published page as a reader would get it: both languages, paragraphs kept, and
 * its images by the API's media path.
 */
export function renderPageHtml(title: string, page: StoryPage, number: number, total: number): string {
  const section = (language: 'en' | 'ro') =>
    `<section lang="${language}">${page[language]
      .split(/\n{2,}/)
      .filter((paragraph) => paragraph.trim())
      .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
      .join('')}</section>`;
  const images = (page.media ?? []).map((id) => `<img src="/files/media/${id}" alt="">`).join('');
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} — ${number}/${total}</title></head>` +
    `<body><article>${section('en')}${section('ro')}${images}</article></body></html>`
  );
}
