import { describe, expect, it } from 'vitest';
import { normaliseText, readPdf, type ReadPdf } from '@storyline/story-document/testing';
import { downloadArtifact } from '../../testing/download-artifact';
import { draftIllustratedStory, type IllustratedPage } from '../../testing/draft-illustrated-story';
import { jobEnded } from '../../testing/job-ended';
import { testPng } from '../../testing/test-images';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;
let aliceCookie: string;

useTestStack(async (started) => {
  ({ stack, alice } = started);
  aliceCookie = await stack.loginCookie('alice');
  stack.startWorker();
});

const TITLE = 'Ștefan și țânțarul din Ărad';
const PAGES: IllustratedPage[] = [
  { en: 'Stefan and the gnat shared the field by the river.', ro: 'Ștefan și țânțarul își împărțeau câmpul de lângă râu.', images: [testPng(31, 8)] },
  { en: 'FIRST THE GNAT, THEN STEFAN.', ro: 'ÎNTÂI ȚÂNȚARUL, APOI ȘTEFAN. Ăsta e Â, Î, Ș și Ț.' },
  { en: 'One day the gnat said goodbye.', ro: 'Într-o zi, țânțarul își luă rămas-bun; Ștefan rămase îngândurat.', images: [testPng(32, 8)] },
];

/** The PDF's story pages, each merged with the PDF pages its images flowed onto, up to the next page's heading. */
function storyPages(pdf: ReadPdf): { text: string; images: number }[] {
  const merged: { text: string; images: number }[] = [];
  for (const { text, images } of pdf.pages.slice(1)) {
    const last = merged.at(-1);
    if (!last || /^(Pagina \d+ din|Page \d+ of) \d+/.test(text)) merged.push({ text, images: images.length });
    else Object.assign(last, { text: normaliseText(`${last.text} ${text}`), images: last.images + images.length });
  }
  return merged;
}

async function exportedPdf(input: { storyId: string; language: 'en' | 'ro'; version?: number }) {
  const { jobId } = await alice.stories.exportDocument.mutate(input);
  const job = await jobEnded(alice, jobId);
  const { response, bytes } = await downloadArtifact(stack, alice, jobId);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  return { job, bytes, pdf: await readPdf(bytes) };
}

describe('story-document-export', () => {
  it('renders a Romanian story to a PDF holding every page word for word, diacritics included, and both images', async () => {
    for (const letter of 'ăâîșțĂÂÎȘȚ') expect(TITLE + PAGES.map((page) => page.ro).join('')).toContain(letter);
    const { storyId } = await draftIllustratedStory(stack, { client: alice, cookie: aliceCookie }, TITLE, PAGES);

    const { job, bytes, pdf } = await exportedPdf({ storyId, language: 'ro' });

    expect(job).toMatchObject({
      status: 'Completed',
      result: { fileName: 'stefan-si-tantarul-din-arad-draft-ro.pdf', byteSize: bytes.length, pageCount: 3, language: 'ro', contentType: 'application/pdf' },
    });
    expect(pdf.info).toMatchObject({ Title: TITLE, Language: 'ro' });
    // A letter the embedded font lacked would read back as U+0000, so equality proves every glyph.
    expect(pdf.pages[0].text).toBe(`${TITLE} Română 3 pagini`);
    expect(storyPages(pdf)).toEqual(PAGES.map((page, index) => ({ text: `Pagina ${index + 1} din 3 ${normaliseText(page.ro)}`, images: page.images?.length ?? 0 })));
  });

  it('renders the English text, labelled in English, when English is asked for', async () => {
    const { storyId } = await draftIllustratedStory(stack, { client: alice, cookie: aliceCookie }, TITLE, PAGES);

    const { job, pdf } = await exportedPdf({ storyId, language: 'en' });

    expect(job.result).toMatchObject({ fileName: 'stefan-si-tantarul-din-arad-draft-en.pdf', pageCount: 3, language: 'en' });
    expect(pdf.info).toMatchObject({ Title: TITLE, Language: 'en' });
    expect(pdf.pages[0].text).toBe(`${TITLE} English 3 pages`);
    expect(storyPages(pdf)).toEqual(PAGES.map((page, index) => ({ text: `Page ${index + 1} of 3 ${page.en}`, images: page.images?.length ?? 0 })));
  });

  it('renders a published version as it was published, not the draft edited since', async () => {
    const { storyId } = await draftIllustratedStory(stack, { client: alice, cookie: aliceCookie }, TITLE, PAGES);
    const published = await alice.stories.publish.mutate({ storyId });
    expect((await jobEnded(alice, published.jobId)).status).toBe('Completed');
    await alice.stories.saveDraft.mutate({ storyId, title: 'Ciornă nouă', pages: [{ en: 'A later draft', ro: 'O ciornă mai nouă' }] });

    const { job, pdf } = await exportedPdf({ storyId, language: 'ro', version: 1 });

    expect(job.result).toMatchObject({ fileName: 'stefan-si-tantarul-din-arad-v1-ro.pdf', pageCount: 3, language: 'ro' });
    expect(pdf.pages[0].text).toBe(`${TITLE} Română 3 pagini`);
    expect(storyPages(pdf)).toEqual(PAGES.map((page, index) => ({ text: `Pagina ${index + 1} din 3 ${normaliseText(page.ro)}`, images: page.images?.length ?? 0 })));
    await expect(alice.stories.exportDocument.mutate({ storyId, language: 'ro', version: 2 })).rejects.toThrow(/Version 2 of this story does not exist/);
  });
});
