import { describe, expect, it } from 'vitest';
import { readPdf, type ReadPdf } from './read-pdf';
import { renderStoryDocument, type DocumentImage, type DocumentPage } from './render-story-document';
import { testImages } from './test-images';

const png = (width: number, height: number): DocumentImage => ({ contentType: 'image/png', read: async () => testImages.png({ width, height, seed: width }) });
const jpeg = (width: number, height: number): DocumentImage => ({ contentType: 'image/jpeg', read: async () => testImages.jpeg({ width, height }) });
const page = (text: string, images: DocumentImage[]): DocumentPage => ({ text, images });

// A4 with 64 pt margins; an image pixel prints as one CSS pixel, 1/96 inch.
const MARGIN = 64;
const POINTS_PER_PIXEL = 72 / 96;
const TEXT = 'The fox carried the lantern down to the river, and the river carried its light away.';

async function render(pages: DocumentPage[]): Promise<ReadPdf> {
  const chunks: Buffer[] = [];
  for await (const chunk of renderStoryDocument({ title: 'The Fox and the Lantern', language: 'en', pages })) chunks.push(chunk as Buffer);
  return readPdf(Buffer.concat(chunks));
}

const round = (points: number) => Math.round(points * 10) / 10;

/** The sheets after the title page, each as its text and the sizes of the images painted on it. */
function sheets(pdf: ReadPdf) {
  return pdf.pages.slice(1).map(({ text, images }) => ({ text, images: images.map(({ width, height }) => [round(width), round(height)]) }));
}

function expectWithinMargins(pdf: ReadPdf): void {
  for (const { width, height, images } of pdf.pages) {
    for (const image of images) {
      expect(image.x).toBeGreaterThanOrEqual(MARGIN - 0.01);
      expect(image.x + image.width).toBeLessThanOrEqual(width - MARGIN + 0.01);
      expect(image.y).toBeGreaterThanOrEqual(MARGIN - 0.01);
      expect(image.y + image.height).toBeLessThanOrEqual(height - MARGIN + 0.01);
    }
  }
}

/** Drawn width over height against the source's, within 1%. */
function expectAspectRatio(drawn: { width: number; height: number }, [width, height]: [number, number]): void {
  expect(Math.abs(drawn.width / drawn.height / (width / height) - 1)).toBeLessThan(0.01);
}

describe('StoryPdf image layout', () => {
  it("puts each page's text and its small image on one sheet", async () => {
    const pdf = await render([page(TEXT, [png(80, 120)]), page(TEXT, [png(80, 120)]), page(TEXT, [png(80, 120)])]);

    expect(sheets(pdf)).toEqual([1, 2, 3].map((number) => ({ text: `Page ${number} of 3 ${TEXT}`, images: [[60, 90]] })));
    expectWithinMargins(pdf);
  });

  it('draws a small image at its natural size at 96 dpi, not blown up to the text width', async () => {
    const pdf = await render([page(TEXT, [png(80, 120), jpeg(200, 40)])]);
    const [small, wide] = pdf.pages.flatMap((sheet) => sheet.images);

    expect(small.width).toBeCloseTo(80 * POINTS_PER_PIXEL, 1);
    expect(small.height).toBeCloseTo(120 * POINTS_PER_PIXEL, 1);
    expect(wide.width).toBeCloseTo(200 * POINTS_PER_PIXEL, 1);
    expectAspectRatio(small, [80, 120]);
    expectAspectRatio(wide, [200, 40]);
  });

  it("scales a huge photo and a long strip down to fit one sheet, beside their page's text, keeping their aspect ratio", async () => {
    const pdf = await render([page(TEXT, [jpeg(3000, 4000)]), page(TEXT, [png(200, 4000)])]);
    const [photo, strip] = pdf.pages.slice(1).flatMap((sheet) => sheet.images);
    const [textWidth, textHeight] = [pdf.pages[1].width - 2 * MARGIN, pdf.pages[1].height - 2 * MARGIN];

    expect(sheets(pdf).map(({ text, images }) => [text, images.length])).toEqual([
      [`Page 1 of 2 ${TEXT}`, 1],
      [`Page 2 of 2 ${TEXT}`, 1],
    ]);
    // Two thirds of the text height at most, so the heading and several lines of text fit above the image.
    for (const image of [photo, strip]) expect(image.height).toBeLessThanOrEqual((textHeight * 2) / 3 + 0.01);
    expect(photo.width).toBeLessThan(textWidth);
    expectAspectRatio(photo, [3000, 4000]);
    expectAspectRatio(strip, [200, 4000]);
    expectWithinMargins(pdf);
  });

  it('scales a wide image down to the text width, and moves to the next sheet only an image taller than what is left', async () => {
    const longText = `${TEXT} `.repeat(12).trim();
    const pdf = await render([page(longText, [png(80, 120), png(1600, 400), jpeg(3000, 4000), png(80, 120)])]);
    const textWidth = pdf.pages[1].width - 2 * MARGIN;
    const [small, wide] = pdf.pages[1].images;

    // The text, the small and the wide image share the first sheet; the photo does not fit below them,
    // and the small image after it fits below the photo.
    expect(sheets(pdf).map(({ images }) => images.length)).toEqual([2, 2]);
    expect(small.width).toBeCloseTo(80 * POINTS_PER_PIXEL, 1);
    expect(wide.width).toBeCloseTo(textWidth, 1);
    expectAspectRatio(wide, [1600, 400]);
    expectWithinMargins(pdf);
  });
});
