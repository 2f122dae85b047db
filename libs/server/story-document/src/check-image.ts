import { crc32, createInflate } from 'node:zlib';

/** An image pdfkit cannot embed, and why. */
export class ImageDecodeError extends Error {
  override readonly name = 'ImageDecodeError';
}

/** The formats a document embeds, told by their bytes, not by the declared content type. */
export type ImageFormat = 'png' | 'jpeg';

// pdfkit's PNG decoder holds the whole decoded image (and, for a moment, every compressed byte as a JS
// number); 30 megapixels is ~120 MB of RGBA, about as much as one render should take.
const MAX_PNG_PIXELS = 30_000_000;

/**
 * Resolves with the image's format when pdfkit can embed it; rejects with an {@link ImageDecodeError}
 * otherwise. Why this exists: pdfkit decodes some PNGs (alpha, palette transparency, interlacing) inside
 * a zlib callback, where a corrupt image throws past every try/catch and takes the whole process down.
 * So every PNG is walked here as pdfkit's decoder would walk it, streaming, before pdfkit sees it.
 */
export async function checkImage(bytes: Buffer): Promise<ImageFormat> {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    await checkPngPixels(readPngChunks(bytes));
    return 'png';
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    checkJpeg(bytes);
    return 'jpeg';
  }
  throw new ImageDecodeError('the bytes are neither a PNG nor a JPEG');
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const PNG_BIT_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
/** Adam7 passes as [x0, y0, dx, dy]. */
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

function fail(message: string): never {
  throw new ImageDecodeError(message);
}

function readPngChunks(bytes: Buffer): { header: PngHeader; idat: Buffer[] } {
  let header: PngHeader | undefined;
  let hasPalette = false;
  const idat: Buffer[] = [];
  for (let pos = 8; ; ) {
    if (pos + 12 > bytes.length) fail('the PNG ends before its IEND chunk');
    const length = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const dataEnd = pos + 8 + length;
    if (length > 0x7fffffff || dataEnd + 4 > bytes.length) fail(`the PNG's ${type} chunk runs past the end of the file`);
    if (crc32(bytes.subarray(pos + 4, dataEnd)) !== bytes.readUInt32BE(dataEnd)) fail(`the PNG's ${type} chunk is corrupt (CRC mismatch)`);
    const data = bytes.subarray(pos + 8, dataEnd);
    if (!header && type !== 'IHDR') fail('the PNG does not start with an IHDR chunk');
    if (type === 'IHDR') header = parsePngHeader(data);
    else if (type === 'PLTE') hasPalette = true;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos = dataEnd + 4;
  }
  if (!header) fail('the PNG has no IHDR chunk');
  if (header.colorType === 3 && !hasPalette) fail('the indexed-colour PNG has no palette');
  if (idat.length === 0) fail('the PNG has no pixel data');
  return { header, idat };
}

function parsePngHeader(data: Buffer): PngHeader {
  if (data.length !== 13) fail('the PNG header has the wrong length');
  const header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8], colorType: data[9], interlaced: data[12] === 1 };
  const { width, height, bitDepth, colorType } = header;
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) fail(`the PNG claims an impossible size ${width}×${height}`);
  if (!PNG_BIT_DEPTHS[colorType]?.includes(bitDepth)) fail(`the PNG has an invalid colour type ${colorType} with bit depth ${bitDepth}`);
  if (data[10] !== 0 || data[11] !== 0 || data[12] > 1) fail('the PNG uses an unknown compression, filter or interlace method');
  if (width * height > MAX_PNG_PIXELS) fail(`the PNG is ${width}×${height}, more than the ${MAX_PNG_PIXELS / 1e6} megapixels a document image may have`);
  // pdfkit's decoder counts whole bytes per pixel and misreads interlaced rows narrower than a byte.
  if (header.interlaced && bitDepth < 8) fail('interlaced PNGs with fewer than 8 bits per sample are not supported');
  return header;
}

/** Inflates the pixel data without keeping it, checking every row's filter byte and the exact length. */
async function checkPngPixels({ header, idat }: { header: PngHeader; idat: Buffer[] }): Promise<void> {
  const expected = pixelDataLength(header);
  const rowStarts = decoderRowStarts(header);
  let next = rowStarts.next();
  let offset = 0;
  const inflater = createInflate();
  for (const part of idat) inflater.write(part);
  inflater.end();
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      const end = offset + chunk.length;
      // More data than the size needs: a decompression bomb, or a header that lies. pdfkit would inflate it all.
      if (end > expected) fail('the PNG holds more pixel data than its size needs');
      for (; !next.done && next.value < end; next = rowStarts.next()) {
        const filter = chunk[next.value - offset];
        if (filter > 4) fail(`a PNG row uses the unknown filter type ${filter}`);
      }
      offset = end;
    }
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    fail(`the PNG's pixel data is corrupt (${error instanceof Error ? error.message : String(error)})`);
  }
  if (offset < expected) fail(`the PNG's pixel data is cut short (${offset} of ${expected} bytes)`);
}

function bitsPerPixel({ bitDepth, colorType }: PngHeader): number {
  return bitDepth * PNG_CHANNELS[colorType];
}

function passes(header: PngHeader): ReadonlyArray<readonly [number, number, number, number]> {
  return header.interlaced ? ADAM7 : [[0, 0, 1, 1]];
}

/** The length the PNG specification gives: a filter byte and the packed pixels of each row of each non-empty pass. */
function pixelDataLength(header: PngHeader): number {
  let length = 0;
  for (const [x0, y0, dx, dy] of passes(header)) {
    const columns = Math.ceil((header.width - x0) / dx);
    const rows = Math.ceil((header.height - y0) / dy);
    if (columns > 0 && rows > 0) length += rows * (1 + Math.ceil((columns * bitsPerPixel(header)) / 8));
  }
  return length;
}

/**
 * Where pdfkit's decoder (png-js) reads each row's filter byte. It matches the specification except for
 * interlaced images narrower than 5 pixels, where it also reads rows of empty passes; following it exactly
 * means an image it would choke on is refused here rather than thrown in its callback.
 */
function* decoderRowStarts(header: PngHeader): Generator<number, void> {
  const bytesPerPixel = bitsPerPixel(header) / 8;
  let position = 0;
  for (const [x0, y0, dx, dy] of passes(header)) {
    const columns = Math.max(0, Math.ceil((header.width - x0) / dx));
    const rows = Math.max(0, Math.ceil((header.height - y0) / dy));
    const stride = 1 + Math.ceil(bytesPerPixel * columns);
    for (let row = 0; row < rows; row++, position += stride) yield position;
  }
}

/** Baseline and progressive Huffman JPEGs: what PDF's DCTDecode promises to show. */
const JPEG_SUPPORTED_FRAMES = new Set([0xc0, 0xc1, 0xc2]);
const JPEG_OTHER_FRAMES = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf]);

/** Walks the segments up to the frame header the way pdfkit will, and checks what that header promises. */
function checkJpeg(bytes: Buffer): void {
  for (let pos = 2; pos + 4 <= bytes.length; ) {
    if (bytes[pos] !== 0xff) fail('the JPEG has bytes between its segments');
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) fail('the JPEG has no frame header before its image data');
    const length = bytes.readUInt16BE(pos + 2);
    if (length < 2 || pos + 2 + length > bytes.length) fail('a JPEG segment runs past the end of the file');
    if (JPEG_OTHER_FRAMES.has(marker)) fail('the JPEG uses a lossless, hierarchical or arithmetic coding PDF readers do not show');
    if (JPEG_SUPPORTED_FRAMES.has(marker)) {
      if (length < 8) fail('the JPEG frame header is too short');
      const [precision, height, width, components] = [bytes[pos + 4], bytes.readUInt16BE(pos + 5), bytes.readUInt16BE(pos + 7), bytes[pos + 9]];
      if (precision !== 8) fail(`the JPEG has ${precision}-bit samples; PDF shows only 8-bit ones`);
      if (width === 0 || height === 0) fail('the JPEG has no width or height');
      if (![1, 3, 4].includes(components)) fail(`the JPEG has ${components} colour components`);
      return;
    }
    pos += 2 + length;
  }
  fail('the JPEG has no frame header');
}
