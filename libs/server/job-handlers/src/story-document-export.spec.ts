import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseText, readPdf } from '@storyline/story-document/testing';
import { startHandlerStack, type HandlerStack } from './testing/start-handler-stack';
import { insertPublishedVersion, insertStory, saveDraft, testPng, type FixturePage } from './testing/story-fixtures';

let stack: HandlerStack;

beforeAll(async () => {
  stack = await startHandlerStack();
  stack.startWorker();
});
afterAll(() => stack?.close());

const TITLE = 'Țara lui Ștefan și a mătușii Ănei';
const PAGES: FixturePage[] = [
  { en: 'Stefan walked to his aunt by the lake.', ro: 'Ștefan a mers la mătușa lui, lângă lac.', images: [testPng(41, 8)] },
  { en: 'THE AUNT WAS NOT HOME.', ro: 'MĂTUȘA NU ERA ACASĂ. Îți spun: Â, Î, Ș, Ț și Ă.' },
  { en: 'So he waited, and the lake was still.', ro: 'Așa că a așteptat, iar lacul era liniștit și înghețat.', images: [testPng(42, 8)] },
];

/** Renders the story in `language` and reads the stored PDF back. */
async function exportedPdf(storyId: string, language: 'en' | 'ro', version: number | null = null) {
  const job = await stack.jobEnded(await stack.startJob('story-document-export', storyId, { storyId, version, language }));
  expect(job.status).toBe('Completed');
  const bytes = await stack.readBlob('exports', `${job.id}/file.pdf`);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const pdf = await readPdf(bytes);
  return { job, bytes, pdf, body: normaliseText(pdf.pages.slice(1).map((page) => page.text).join(' ')), images: pdf.pages.flatMap((page) => page.images).length };
}

describe('story-document-export', () => {
  it('renders a Romanian story to a PDF holding every page word for word, diacritics included, and every image', async () => {
    for (const letter of 'ăâîșțĂÂÎȘȚ') expect(TITLE + PAGES.map((page) => page.ro).join('')).toContain(letter);
    const { storyId } = await insertStory(stack, TITLE, PAGES);

    const { job, bytes, pdf, body, images } = await exportedPdf(storyId, 'ro');

    expect(job.result).toMatchObject({ fileName: 'tara-lui-stefan-si-a-matusii-anei-draft-ro.pdf', byteSize: bytes.length, pageCount: 3, language: 'ro', contentType: 'application/pdf' });
    expect(pdf.info).toMatchObject({ Title: TITLE, Language: 'ro' });
    // A letter the embedded font lacked would read back as U+0000, so finding each text whole proves every glyph.
    expect(pdf.pages[0].text).toBe(`${TITLE} Română 3 pagini`);
    for (const [index, page] of PAGES.entries()) expect(body).toContain(`Pagina ${index + 1} din 3 ${normaliseText(page.ro)}`);
    expect(images).toBe(2);
  });

  it('renders the English text, labelled in English, when English is asked for', async () => {
    const { storyId } = await insertStory(stack, TITLE, PAGES);

    const { job, pdf, body } = await exportedPdf(storyId, 'en');

    expect(job.result).toMatchObject({ fileName: 'tara-lui-stefan-si-a-matusii-anei-draft-en.pdf', language: 'en' });
    expect(pdf.info).toMatchObject({ Language: 'en' });
    expect(pdf.pages[0].text).toBe(`${TITLE} English 3 pages`);
    for (const [index, page] of PAGES.entries()) expect(body).toContain(`Page ${index + 1} of 3 ${page.en}`);
  });

  it('renders a published version as it was published, not the draft edited since', async () => {
    const { storyId } = await insertStory(stack, TITLE, PAGES);
    await insertPublishedVersion(stack, storyId, 1);
    await saveDraft(stack, storyId, 'Ciornă nouă', [{ en: 'A later draft', ro: 'O ciornă mai nouă', media: [] }]);

    const { job, pdf, body } = await exportedPdf(storyId, 'ro', 1);

    expect(job.result).toMatchObject({ fileName: 'tara-lui-stefan-si-a-matusii-anei-v1-ro.pdf', version: 1 });
    expect(pdf.pages[0].text).toBe(`${TITLE} Română 3 pagini`);
    expect(body).not.toContain('ciornă');
  });

  it('draws a placeholder and warns, naming the page, when an image cannot be read from storage, and still completes', async () => {
    const { storyId, images } = await insertStory(stack, TITLE, PAGES);
    await stack.services.blobs.delete('media', `${storyId}/${[...images.keys()][1]}`);

    const { job, images: painted } = await exportedPdf(storyId, 'ro');

    const warnings = (await stack.events(job.id)).flatMap((event) => (event.kind === 'warning' ? [event.message] : []));
    // Storage's own words stay in the log.
    expect(warnings).toEqual(['Story page 3, image 1 (image/png) could not be read: the image could not be read from storage']);
    expect(painted).toBe(1);
  });
});
