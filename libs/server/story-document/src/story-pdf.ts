import { once } from 'node:events';
import PDFDocument from 'pdfkit';
import type { DocumentFonts } from './document-fonts';
import type { DocumentLabels } from './document-labels';

const MARGIN = 64;
const GAP = 14;
const PLACEHOLDER_HEIGHT = 72;
/**
 * One image pixel prints as one CSS pixel (1/96 inch), as a browser or word processor shows it: drawn any
 * larger, a small image only shows its pixels bigger.
 */
const POINTS_PER_IMAGE_PIXEL = 72 / 96;
/** The tallest an image is drawn, as a share of the page's text height, so the heading and several lines of text fit beside it. */
const MAX_IMAGE_HEIGHT_SHARE = 2 / 3;
const GREY = '#6b6b6b';
const BLACK = '#000000';

interface TextStyle {
  font: 'regular' | 'bold';
  size: number;
  color: string;
}

const TITLE: TextStyle = { font: 'bold', size: 26, color: BLACK };
const SUBTITLE: TextStyle = { font: 'regular', size: 14, color: GREY };
const HEADING: TextStyle = { font: 'regular', size: 10, color: GREY };
const BODY: TextStyle = { font: 'regular', size: 12, color: BLACK };
const NOTE: TextStyle = { font: 'regular', size: 12, color: GREY };
const FOOTER: TextStyle = { font: 'regular', size: 9, color: GREY };

/**
 * What pdfkit's `openImage` returns. The typings leave the method out, but it is how pdfkit itself opens
 * an image for `image()`; opening first gives the size (after EXIF rotation) to lay out with.
 */
interface OpenedImage {
  width: number;
  height: number;
  orientation?: number;
  /** The image's PDF object; pdfkit sets `offset` once its bytes are written to the document. */
  obj?: { offset?: number } | null;
}

/** The PDF's metadata. */
export interface StoryPdfInfo {
  title: string;
  author?: string;
  subject?: string;
}

/**
 * One story document being drawn: pdfkit plus the layout of a title page, story pages, images and
 * footers. It draws; when to draw (and when to wait for the reader) is `renderStoryDocument`'s business.
 */
export class StoryPdf {
  /** The pdfkit document; its `data` events carry the PDF as it is produced. */
  readonly doc: PDFKit.PDFDocument;
  private pages = 0;
  private style = BODY;

  constructor(
    info: StoryPdfInfo,
    private readonly labels: DocumentLabels,
    fonts: DocumentFonts,
  ) {
    this.doc = new PDFDocument({
      size: 'A4',
      margin: MARGIN,
      autoFirstPage: false,
      // 1.4 and later carry the catalog's /Lang; 1.7 is what every current reader expects.
      pdfVersion: '1.7',
      lang: labels.tag,
      displayTitle: true,
      // pdfkit hashes every info entry into the file ID and fails on an undefined one.
      info: { Title: info.title, Creator: 'Storyline', ...(info.author && { Author: info.author }), ...(info.subject && { Subject: info.subject }) },
    });
    this.doc.registerFont('regular', fonts.regular);
    this.doc.registerFont('bold', fonts.bold);
    // Pages are written out as soon as the next one starts (no page buffering, to keep memory flat),
    // so a page's footer is drawn when the page begins; text flowing onto a new page lands here too.
    this.doc.on('pageAdded', () => this.footer());
  }

  /** The first page: the title, the author when known, the language and how many story pages follow. */
  titlePage(title: string, author: string | undefined, pageCount: number): void {
    const { doc } = this;
    doc.addPage();
    doc.y = doc.page.height * 0.3;
    this.use(TITLE);
    doc.text(title, { align: 'center' });
    this.use(SUBTITLE);
    if (author) doc.moveDown(0.5).text(author, { align: 'center' });
    doc.moveDown(2).text(this.labels.languageName, { align: 'center' });
    doc.text(this.labels.pageCount(pageCount), { align: 'center' });
  }

  /** Each story page starts a PDF page, under a small heading, so the reader can tell them apart. */
  startStoryPage(number: number, total: number): void {
    this.doc.addPage();
    this.use(HEADING);
    this.doc.text(this.labels.pageHeading(number, total));
    this.doc.moveDown(1);
  }

  /** Wrapped text; pdfkit flows it onto as many PDF pages as it needs. */
  text(text: string): void {
    this.use(BODY);
    // Tabs have no glyph in the font and would print as boxes.
    this.doc.text(text.replace(/\r\n?/g, '\n').replace(/\t/g, '    '), { lineGap: 3 });
  }

  /** The grey note that stands in for a page with neither text nor images. */
  emptyPageNote(): void {
    this.use(NOTE);
    this.doc.text(this.labels.emptyPage);
  }

  /**
   * An image at its {@link printSize}, centred, below what came before on this PDF page when it fits in what
   * is left, on the next one otherwise. Resolves once its bytes are in the document: pdfkit finishes some
   * PNGs in a zlib callback, and waiting keeps one image in memory at a time.
   * Throws (before drawing anything) when pdfkit cannot open the bytes.
   */
  async image(bytes: Buffer, signal: AbortSignal): Promise<void> {
    const { doc } = this;
    const image = (doc as unknown as { openImage(src: Buffer): OpenedImage }).openImage(bytes);
    // EXIF orientations 5 to 8 turn the image a quarter, so it shows with width and height swapped.
    const [pixelWidth, pixelHeight] = (image.orientation ?? 1) > 4 ? [image.height, image.width] : [image.width, image.height];
    const { width, height } = printSize(pixelWidth, pixelHeight, this.contentWidth(), this.contentHeight() * MAX_IMAGE_HEIGHT_SHARE);
    const top = this.placeBlock(height);
    doc.image(image as unknown as Buffer, doc.page.margins.left + (this.contentWidth() - width) / 2, top, { width, height });
    this.endBlock(top + height);
    while (image.obj?.offset === undefined) await once(doc, 'data', { signal });
  }

  /** A dashed grey box saying the image could not be shown, where a broken image would have been. */
  imagePlaceholder(): void {
    const { doc } = this;
    const top = this.placeBlock(PLACEHOLDER_HEIGHT);
    const left = doc.page.margins.left;
    doc.save().lineWidth(1).dash(4, { space: 3 }).strokeColor(GREY).rect(left, top, this.contentWidth(), PLACEHOLDER_HEIGHT).stroke().restore();
    this.use(NOTE);
    doc.text(this.labels.imageUnavailable, left, top + (PLACEHOLDER_HEIGHT - doc.currentLineHeight()) / 2, { width: this.contentWidth(), align: 'center' });
    this.endBlock(top + PLACEHOLDER_HEIGHT);
  }

  /** Writes what is left (fonts, cross-reference table); the document's stream ends after it. */
  end(): void {
    this.doc.end();
  }

  private contentWidth(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private contentHeight(): number {
    return this.doc.page.height - this.doc.page.margins.top - this.doc.page.margins.bottom;
  }

  /** The top of a block of this height: below what came before, or on a fresh page when it would not fit. */
  private placeBlock(height: number): number {
    const { doc } = this;
    const atTop = doc.y <= doc.page.margins.top;
    if (!atTop && doc.y + GAP + height > doc.page.maxY()) doc.addPage();
    return doc.y <= doc.page.margins.top ? doc.y : doc.y + GAP;
  }

  private endBlock(bottom: number): void {
    this.doc.x = this.doc.page.margins.left;
    this.doc.y = bottom;
  }

  private use(style: TextStyle): void {
    this.style = style;
    this.doc.font(style.font).fontSize(style.size).fillColor(style.color);
  }

  /** The page number, centred in the bottom margin; the title page goes unnumbered but counts. */
  private footer(): void {
    this.pages += 1;
    if (this.pages === 1) return;
    const { doc } = this;
    const [x, y, style] = [doc.x, doc.y, this.style];
    const label = String(this.pages);
    this.use(FOOTER);
    // Without a width pdfkit does not wrap, so writing inside the bottom margin cannot start another page.
    doc.text(label, (doc.page.width - doc.widthOfString(label)) / 2, doc.page.height - MARGIN / 2 - FOOTER.size / 2, { lineBreak: false });
    this.use(style);
    doc.x = x;
    doc.y = y;
  }
}

/**
 * The size an image is drawn at, in points: its natural size at 96 dpi, scaled down (never up) to fit the
 * width and height given, keeping its aspect ratio.
 */
function printSize(pixelWidth: number, pixelHeight: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(POINTS_PER_IMAGE_PIXEL, maxWidth / pixelWidth, maxHeight / pixelHeight);
  return { width: pixelWidth * scale, height: pixelHeight * scale };
}
