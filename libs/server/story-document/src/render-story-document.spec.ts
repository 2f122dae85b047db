import { getEventListeners, once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { normaliseText, readPdf, type ReadPdf } from './read-pdf';
import { renderStoryDocument, type DocumentImage, type DocumentPage, type StoryDocumentInput } from './render-story-document';
import { testImages } from './test-images';

const TITLE = 'Ștefan și țânțarul';
const ROMANIAN_PAGES = [
  'Ștefan și țânțarul își împărțeau ăla câmpul de lângă râu.',
  'ĂLA ȘTIE: ÎNTÂI ȚÂNȚARUL, APOI ȘTEFAN.\nÂ și Ă, Î și Ș, Ț și ț.',
  'Într-o zi, țânțarul își luă rămas-bun; Ștefan rămase în câmp, îngândurat. Texte vechi scriu ş, ţ, Ş, Ţ cu sedilă.',
];

const page = (text: string, images: DocumentImage[] = []): DocumentPage => ({ text, images });
const png = (bytes: Buffer): DocumentImage => ({ contentType: 'image/png', read: async () => bytes });
const jpeg = (bytes: Buffer): DocumentImage => ({ contentType: 'image/jpeg', read: async () => bytes });

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The PDF pages after the title page, merged per story page: each story page starts at its heading. */
function storyPages(pdf: ReadPdf): Array<{ text: string; images: number; pdfPages: number }> {
  const merged: Array<{ text: string; images: number; pdfPages: number }> = [];
  for (const { text, images } of pdf.pages.slice(1)) {
    const last = merged.at(-1);
    if (/^(Pagina \d+ din|Page \d+ of) \d+/.test(text) || !last) merged.push({ text, images: images.length, pdfPages: 1 });
    else Object.assign(last, { text: normaliseText(`${last.text} ${text}`), images: last.images + images.length, pdfPages: last.pdfPages + 1 });
  }
  return merged;
}

const WORDS = ['Ștefan', 'și', 'țânțarul', 'își', 'împărțeau', 'ăla', 'câmpul', 'ÎNTÂI', 'ȘI', 'ȚARA', 'Ăsta', 'râul'];
/** Thirty words that vary from page to page, so pages do not compress to nothing (about 730 bytes each). */
const variedText = (seed: number) => Array.from({ length: 30 }, (_, index) => WORDS[(seed * 7 + index * index) % WORDS.length]).join(' ');

const render = (input: Partial<StoryDocumentInput> & Pick<StoryDocumentInput, 'pages'>) => collect(renderStoryDocument({ title: TITLE, language: 'ro', ...input }));

describe('renderStoryDocument', () => {
  it('gives back the title and every page of a Romanian story word for word, diacritics included', async () => {
    const pdf = await readPdf(await render({ pages: ROMANIAN_PAGES.map((text) => page(text)) }));

    for (const letter of 'ăâîșțĂÂÎȘȚ') expect(ROMANIAN_PAGES.join('')).toContain(letter);
    // A letter the font lacked would come back as U+0000 (pdfkit maps .notdef to it), so equality proves the glyphs.
    expect(pdf.pages).toHaveLength(4);
    expect(pdf.pages[0].text).toBe(`${TITLE} Română 3 pagini`);
    ROMANIAN_PAGES.forEach((text, index) => expect(pdf.pages[index + 1].text).toBe(`Pagina ${index + 1} din 3 ${normaliseText(text)}`));
  });

  it('embeds its own fonts rather than naming one the reader must have', async () => {
    const bytes = await render({ pages: [page(ROMANIAN_PAGES[0])] });
    const baseFonts = new Set([...bytes.toString('latin1').matchAll(/\/BaseFont \/(\S+)/g)].map(([, name]) => name));

    // Subsets (a six-letter tag before the name) of the two faces used, each with its TrueType program inside.
    expect([...baseFonts].map((name) => name.replace(/^[A-Z]{6}\+/, 'TAG+')).sort()).toEqual(['TAG+DejaVuSans', 'TAG+DejaVuSans-Bold']);
    expect(bytes.toString('latin1').match(/\/FontFile2 /g)).toHaveLength(2);
  });

  it('writes the title, author, subject and language into the PDF metadata', async () => {
    const pdf = await readPdf(await render({ pages: [page('Text')], metadata: { author: 'Ana Ionescu', subject: 'O poveste' } }));

    expect(pdf.info).toMatchObject({ Title: TITLE, Author: 'Ana Ionescu', Subject: 'O poveste', Language: 'ro' });
    expect(pdf.pages[0].text).toBe(`${TITLE} Ana Ionescu Română 1 pagină`);
  });

  it('labels an English story in English', async () => {
    const pdf = await readPdf(await render({ title: 'The Gnat', language: 'en', pages: [page('One.'), page('Two.')] }));

    expect(pdf.info).toMatchObject({ Title: 'The Gnat', Language: 'en' });
    expect(pdf.pages.map((p) => p.text)).toEqual(['The Gnat English 2 pages', 'Page 1 of 2 One.', 'Page 2 of 2 Two.']);
  });

  it('numbers every page after the title page in its footer, pages of flowing text included', async () => {
    const long = 'câmp '.repeat(1500);
    const pdf = await readPdf(await render({ pages: [page(long), page('Scurt.')] }));

    expect(pdf.pages.length).toBeGreaterThan(3);
    expect(pdf.pages.map((p) => p.footer)).toEqual(['', ...pdf.pages.slice(1).map((_, index) => String(index + 2))]);
  });

  it('paints every image of every page: PNG with and without alpha, interlaced PNG, and JPEG', async () => {
    const rgb = testImages.png({ width: 2, height: 2 });
    const rgba = testImages.png({ width: 2, height: 2, alpha: true });
    const grey = testImages.jpeg({ width: 1, height: 1 });
    const interlaced = testImages.interlacedPng();
    const pdf = await readPdf(await render({ pages: [page('Unu', [png(rgb), jpeg(grey)]), page('Doi'), page('Trei', [png(rgba), png(interlaced), jpeg(grey)])] }));

    expect(storyPages(pdf).map((p) => p.images)).toEqual([2, 0, 3]);
  });

  it('keeps a page without text: an empty-page note when it has no images either, just the images otherwise', async () => {
    const pdf = await readPdf(await render({ pages: [page(''), page('  \n ', [png(testImages.png({ width: 2, height: 2 }))]), page('Sfârșit')] }));

    expect(pdf.pages.map((p) => p.text)).toEqual([`${TITLE} Română 3 pagini`, 'Pagina 1 din 3 (pagină goală)', 'Pagina 2 din 3', 'Pagina 3 din 3 Sfârșit']);
    expect(pdf.pages[2].images).toHaveLength(1);
  });

  it('draws a placeholder and warns, naming the page and image, for each image it cannot read or decode', async () => {
    const warnings: string[] = [];
    const good = png(testImages.png({ width: 2, height: 2 }));
    const failingRead: DocumentImage = { contentType: 'image/png', read: async () => Promise.reject(new Error('blob not found')) };
    const notAnImage = jpeg(Buffer.from('<html>not an image</html>'));
    // Alpha PNGs are decoded in a zlib callback: unchecked, these two would crash the process.
    const corruptAlpha = png(testImages.png({ width: 2, height: 2, alpha: true, idat: Buffer.from('not zlib at all') }));
    const badFilterAlpha = png(testImages.png({ width: 2, height: 2, alpha: true, filter: 9 }));
    const pdf = await readPdf(
      await render({ pages: [page('Unu', [good, failingRead]), page('Doi', [notAnImage, corruptAlpha, badFilterAlpha, good])], onWarning: (message) => warnings.push(message) }),
    );

    expect(warnings).toEqual([
      'Story page 1, image 2 (image/png) could not be read: blob not found',
      'Story page 2, image 1 (image/jpeg) could not be decoded: the bytes are neither a PNG nor a JPEG',
      expect.stringMatching(/^Story page 2, image 2 \(image\/png\) could not be decoded: the PNG's pixel data is corrupt/),
      'Story page 2, image 3 (image/png) could not be decoded: a PNG row uses the unknown filter type 9',
    ]);
    expect(storyPages(pdf)).toEqual([
      { text: 'Pagina 1 din 2 Unu Imaginea nu a putut fi afișată', images: 1, pdfPages: 1 },
      { text: `Pagina 2 din 2 Doi ${'Imaginea nu a putut fi afișată '.repeat(3).trim()}`, images: 1, pdfPages: 1 },
    ]);
  });

  it('renders a story without pages as its title page alone', async () => {
    const pdf = await readPdf(await render({ pages: [] }));
    expect(pdf.pages.map((p) => p.text)).toEqual([`${TITLE} Română 0 pagini`]);
  });

  it('reports each rendered page to onPage, in order, with the total', async () => {
    const calls: Array<[number, number]> = [];
    await render({ pages: ROMANIAN_PAGES.map((text) => page(text)), onPage: (rendered, total) => void calls.push([rendered, total]) });

    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });

  it('errors the stream with an onPage failure', async () => {
    const failure = new Error('progress could not be saved');
    await expect(render({ pages: [page('a'), page('b')], onPage: () => Promise.reject(failure) })).rejects.toBe(failure);
  });

  it('errors the stream and calls onPage no more once the signal aborts mid-way', async () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const stream = renderStoryDocument({
      title: TITLE,
      language: 'ro',
      pages: Array.from({ length: 10 }, (_, index) => page(`Pagina ${index}`)),
      signal: controller.signal,
      onPage: (rendered) => {
        calls.push(rendered);
        if (rendered === 3) controller.abort(new Error('job cancelled'));
      },
    });

    await expect(collect(stream)).rejects.toThrow('job cancelled');
    expect(calls).toEqual([1, 2, 3]);
  });

  it('errors a stream nobody is reading, and renders no further, when the signal aborts', async () => {
    const controller = new AbortController();
    let rendered = 0;
    const stream = renderStoryDocument({ title: TITLE, language: 'ro', pages: Array.from({ length: 200 }, (_, index) => page(variedText(index))), signal: controller.signal, onPage: (count) => void (rendered = count) });
    while (stream.readableLength < stream.readableHighWaterMark) await new Promise((resolve) => setImmediate(resolve));
    const errored = once(stream, 'error');
    controller.abort(new Error('job cancelled'));

    await expect(errored).resolves.toEqual([new Error('job cancelled')]);
    const stoppedAt = rendered;
    await sleep(50);
    expect(rendered).toBe(stoppedAt);
  });

  it('errors the stream without rendering when the signal has already aborted', async () => {
    const calls: number[] = [];
    const signal = AbortSignal.abort(new Error('job cancelled'));
    await expect(render({ pages: [page('a')], signal, onPage: (rendered) => void calls.push(rendered) })).rejects.toThrow('job cancelled');
    expect(calls).toEqual([]);
  });

  it("leaves no listener on the caller's signal once the stream has closed", async () => {
    const controller = new AbortController();
    await render({ pages: [page('a')], signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('stops waiting for an image read when the signal aborts', async () => {
    const controller = new AbortController();
    let reads = 0;
    const never: DocumentImage = { contentType: 'image/png', read: () => (reads++, new Promise<Buffer>(() => undefined)) };
    const stream = renderStoryDocument({ title: TITLE, language: 'ro', pages: [page('a', [never, never])], signal: controller.signal });
    const collected = collect(stream);
    while (reads === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error('job cancelled'));

    await expect(collected).rejects.toThrow('job cancelled');
    expect(reads).toBe(1);
  });

  it('flows a 20,000-character page over several PDF pages without losing a word', async () => {
    const words = ['Ștefan', 'și', 'țânțarul', 'își', 'împărțeau', 'ăla', 'câmpul', 'ÎNTÂI', 'ȘI', 'ȚARA', 'Ăsta'];
    let text = '';
    for (let index = 0; text.length < 20_000; index++) text += `${words[index % words.length]}${index % 37 === 36 ? '.\n' : ' '}`;
    const pdf = await readPdf(await render({ pages: [page(text), page('Gata.')] }));
    const [long, short] = storyPages(pdf);

    expect(long.pdfPages).toBeGreaterThanOrEqual(4);
    expect(long.text).toBe(`Pagina 1 din 2 ${normaliseText(text)}`);
    expect(short).toEqual({ text: 'Pagina 2 din 2 Gata.', images: 0, pdfPages: 1 });
  });

  it('pauses rendering while nobody reads the stream, and resumes once it is read', async () => {
    let rendered = 0;
    const stream = renderStoryDocument({ title: TITLE, language: 'ro', pages: Array.from({ length: 200 }, (_, index) => page(variedText(index))), onPage: (count) => void (rendered = count) });
    while (stream.readableLength < stream.readableHighWaterMark) await new Promise((resolve) => setImmediate(resolve));
    const paused = rendered;
    await sleep(200);

    // 200 pages make ~146 KB; with 64 KiB unread, rendering has stopped well short of the end, and stays stopped.
    expect(paused).toBeLessThan(150);
    expect(rendered).toBe(paused);
    expect(stream.readableLength).toBeLessThan(stream.readableHighWaterMark + 4 * 1024);
    const pdf = await readPdf(await collect(stream));
    expect(rendered).toBe(200);
    expect(pdf.pages).toHaveLength(201);
  });

  it('stops rendering when the consumer destroys the stream', async () => {
    let rendered = 0;
    const stream = renderStoryDocument({ title: TITLE, language: 'ro', pages: Array.from({ length: 200 }, (_, index) => page(variedText(index))), onPage: (count) => void (rendered = count) });
    await once(stream, 'readable');
    stream.destroy();
    await once(stream, 'close');
    const stoppedAt = rendered;
    await sleep(100);

    expect(rendered).toBe(stoppedAt);
    expect(stoppedAt).toBeLessThan(200);
  });
});
