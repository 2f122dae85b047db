import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** Where an image was painted, in PDF points with the origin at the page's bottom left. */
export interface PaintedImage {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One PDF page as a reader sees it. */
export interface ReadPage {
  /** The page's text above the footer zone, whitespace and line breaks collapsed to single spaces. */
  text: string;
  /** The text in the bottom margin. */
  footer: string;
  images: PaintedImage[];
  width: number;
  height: number;
}

/** A PDF as pdf.js reads it: what tests check a rendered document against. */
export interface ReadPdf {
  info: Record<string, unknown>;
  pages: ReadPage[];
}

/** Collapses runs of whitespace (line breaks included) to one space, so wrapped text compares with its source. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Reads text, footers, image placements and metadata with pdf.js; `footerZone` is the bottom margin's height. */
export async function readPdf(bytes: Buffer, footerZone = 64): Promise<ReadPdf> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const { info } = await pdf.getMetadata();
    const pages: ReadPage[] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const [, , width, height] = page.view;
      const body: string[] = [];
      const footer: string[] = [];
      let previousY: number | undefined;
      for (const item of (await page.getTextContent()).items) {
        if (!('str' in item)) continue;
        const y = item.transform[5];
        const lines = y < footerZone ? footer : body;
        // A new line, whether or not pdf.js marked the end of the last one, is a space in the source.
        if (previousY !== undefined && Math.abs(previousY - y) > 1) lines.push(' ');
        lines.push(item.str, item.hasEOL ? ' ' : '');
        previousY = y;
      }
      pages.push({ text: normaliseText(body.join('')), footer: normaliseText(footer.join('')), images: paintedImages(await page.getOperatorList()), width, height });
    }
    return { info: info as Record<string, unknown>, pages };
  } finally {
    await pdf.destroy();
  }
}

type Matrix = [number, number, number, number, number, number];

function multiply([a, b, c, d, e, f]: Matrix, [a2, b2, c2, d2, e2, f2]: Matrix): Matrix {
  return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2];
}

/** Follows the transformation matrix through the page's operators to place each painted image (unrotated). */
function paintedImages({ fnArray, argsArray }: { fnArray: number[]; argsArray: unknown[] }): PaintedImage[] {
  const images: PaintedImage[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  fnArray.forEach((fn, index) => {
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) ctm = multiply(Array.from(argsArray[index] as ArrayLike<number>) as Matrix, ctm);
    else if (fn === OPS.paintImageXObject) {
      const [a, , , d, e, f] = ctm;
      images.push({ x: Math.min(e, e + a), y: Math.min(f, f + d), width: Math.abs(a), height: Math.abs(d) });
    }
  });
  return images;
}
