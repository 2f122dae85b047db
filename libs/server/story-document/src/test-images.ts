import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

/** How a test PNG is made; `idat` replaces the compressed pixel data, to make a broken image on purpose. */
export interface TestPngOptions {
  width: number;
  height: number;
  /** RGBA (colour type 6, which pdfkit decodes in a zlib callback) instead of RGB. */
  alpha?: boolean;
  /** Random pixels, which do not compress: a PNG about as large as its raw pixels. */
  noise?: boolean;
  /** The filter byte every row starts with; only 0 to 4 are valid. */
  filter?: number;
  /** A pattern of pixels that depends on it, so two images differ byte for byte. */
  seed?: number;
  idat?: Buffer;
}

/** Images made by hand for tests, so no fixture files (or image library) are needed. */
export const testImages = {
  /** A valid PNG (unless `filter` or `idat` say otherwise), 8 bits per sample. */
  png({ width, height, alpha = false, noise = false, filter = 0, seed, idat }: TestPngOptions): Buffer {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header.set([8, alpha ? 6 : 2, 0, 0, 0], 8);
    return testImages.pngFromChunks([
      ['IHDR', header],
      ['IDAT', idat ?? deflateSync(rgbRows(width, height, alpha ? 4 : 3, noise, filter, seed))],
      ['IEND', Buffer.alloc(0)],
    ]);
  },

  /**
   * A black 8×8 RGB PNG in Adam7 passes (which pdfkit decodes in a zlib callback). The passes hold
   * 1, 1, 2, 4, 8, 16 and 32 pixels in 1, 1, 1, 2, 2, 4 and 4 rows: 207 bytes with a filter byte per row.
   */
  interlacedPng(): Buffer {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(8, 0);
    header.writeUInt32BE(8, 4);
    header.set([8, 2, 0, 0, 1], 8);
    return testImages.pngFromChunks([
      ['IHDR', header],
      ['IDAT', deflateSync(Buffer.alloc(207))],
      ['IEND', Buffer.alloc(0)],
    ]);
  },

  /** A PNG of exactly these chunks, each given its length and a correct CRC. */
  pngFromChunks(chunks: Array<[type: string, data: Buffer]>): Buffer {
    return Buffer.concat([PNG_SIGNATURE, ...chunks.map(([type, data]) => chunk(type, data))]);
  },

  /**
   * A valid baseline greyscale JPEG of mid grey: every 8×8 block has a zero DC difference and no AC
   * coefficients, so two one-symbol Huffman tables and two bits per block encode it.
   */
  jpeg({ width, height }: { width: number; height: number }): Buffer {
    const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
    // Two 0 bits per block, padded with 1 bits; no byte can become 0xFF, so no byte stuffing.
    const scan = Buffer.alloc(Math.ceil((blocks * 2) / 8), 0);
    const padding = scan.length * 8 - blocks * 2;
    if (padding > 0) scan[scan.length - 1] = (1 << padding) - 1;
    const frame = Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
    const oneSymbolTable = (tableClass: number) => Buffer.from([tableClass << 4, 1, ...new Array(15).fill(0), 0]);
    return Buffer.concat([
      Buffer.from([0xff, 0xd8]),
      segment(0xdb, Buffer.from([0, ...new Array(64).fill(1)])),
      segment(0xc0, frame),
      segment(0xc4, oneSymbolTable(0)),
      segment(0xc4, oneSymbolTable(1)),
      segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])),
      scan,
      Buffer.from([0xff, 0xd9]),
    ]);
  },
};

function rgbRows(width: number, height: number, channels: number, noise: boolean, filter: number, seed?: number): Buffer {
  const rowLength = width * channels;
  const raw = Buffer.alloc(height * (1 + rowLength));
  for (let row = 0; row < height; row++) {
    const start = row * (1 + rowLength);
    raw[start] = filter;
    const pixels = noise ? randomBytes(rowLength) : seeded(rowLength, row, seed);
    pixels.copy(raw, start + 1);
  }
  return raw;
}

/** Stripes without a seed; with one, a pattern of it. */
function seeded(rowLength: number, row: number, seed: number | undefined): Buffer {
  if (seed === undefined) return Buffer.alloc(rowLength, row % 2 ? 0x30 : 0xc0);
  return Buffer.from(Array.from({ length: rowLength }, (_, x) => (seed * 37 + x * 11 + row * 17) % 256));
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const framed = Buffer.alloc(12 + data.length);
  framed.writeUInt32BE(data.length, 0);
  typeAndData.copy(framed, 4);
  framed.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return framed;
}

function segment(marker: number, data: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(data.length + 2);
  return Buffer.concat([Buffer.from([0xff, marker]), length, data]);
}
