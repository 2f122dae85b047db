import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { checkImage } from './check-image';
import { testImages } from './test-images';

function pngHeader(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([bitDepth, colorType, 0, 0, interlace], 8);
  return header;
}

const pngOf = (header: Buffer, idat: Buffer) =>
  testImages.pngFromChunks([
    ['IHDR', header],
    ['IDAT', idat],
    ['IEND', Buffer.alloc(0)],
  ]);

/** The JPEG with its frame header's bytes changed: `offset` counts from the marker's 0xFF. */
function patchedJpeg(patch: (bytes: Buffer, frame: number) => void): Buffer {
  const bytes = testImages.jpeg({ width: 8, height: 8 });
  patch(bytes, bytes.indexOf(Buffer.from([0xff, 0xc0])));
  return bytes;
}

describe('checkImage', () => {
  it('accepts PNGs with and without alpha, interlaced or not, and a baseline JPEG, telling them by their bytes', async () => {
    await expect(checkImage(testImages.png({ width: 3, height: 2 }))).resolves.toBe('png');
    await expect(checkImage(testImages.png({ width: 3, height: 2, alpha: true, noise: true }))).resolves.toBe('png');
    await expect(checkImage(testImages.interlacedPng())).resolves.toBe('png');
    await expect(checkImage(testImages.jpeg({ width: 17, height: 9 }))).resolves.toBe('jpeg');
  });

  it('refuses bytes that are neither a PNG nor a JPEG', async () => {
    await expect(checkImage(Buffer.from('GIF89a…'))).rejects.toThrow('the bytes are neither a PNG nor a JPEG');
  });

  it('refuses a PNG whose chunk fails its CRC', async () => {
    const bytes = testImages.png({ width: 2, height: 2 });
    bytes[bytes.indexOf('IDAT') + 6] ^= 0xff;
    await expect(checkImage(bytes)).rejects.toThrow("the PNG's IDAT chunk is corrupt (CRC mismatch)");
  });

  it('refuses a PNG cut off before its IEND chunk', async () => {
    const bytes = testImages.png({ width: 2, height: 2 });
    await expect(checkImage(bytes.subarray(0, bytes.length - 12))).rejects.toThrow('the PNG ends before its IEND chunk');
  });

  it('refuses a PNG whose pixel data is not zlib', async () => {
    await expect(checkImage(testImages.png({ width: 2, height: 2, alpha: true, idat: Buffer.from('not zlib') }))).rejects.toThrow(/^the PNG's pixel data is corrupt/);
  });

  it('refuses a PNG whose pixel data is shorter than its size needs', async () => {
    // 2 rows of a filter byte and 2 RGB pixels make 14 bytes.
    await expect(checkImage(testImages.png({ width: 2, height: 2, idat: deflateSync(Buffer.alloc(13)) }))).rejects.toThrow("the PNG's pixel data is cut short (13 of 14 bytes)");
  });

  it('refuses a PNG that inflates to more than its size needs, as a decompression bomb would', async () => {
    await expect(checkImage(testImages.png({ width: 2, height: 2, idat: deflateSync(Buffer.alloc(50_000_000)) }))).rejects.toThrow('the PNG holds more pixel data than its size needs');
  });

  it('refuses a PNG row with an unknown filter type', async () => {
    await expect(checkImage(testImages.png({ width: 2, height: 2, alpha: true, filter: 5 }))).rejects.toThrow('a PNG row uses the unknown filter type 5');
  });

  it('refuses a PNG over 30 megapixels before inflating anything', async () => {
    await expect(checkImage(pngOf(pngHeader(6000, 6000, 8, 2), deflateSync(Buffer.alloc(1))))).rejects.toThrow('the PNG is 6000×6000, more than the 30 megapixels a document image may have');
  });

  it('refuses a PNG header no PNG may have', async () => {
    await expect(checkImage(pngOf(pngHeader(2, 2, 4, 6), deflateSync(Buffer.alloc(1))))).rejects.toThrow('the PNG has an invalid colour type 6 with bit depth 4');
    await expect(checkImage(pngOf(pngHeader(0, 2, 8, 2), deflateSync(Buffer.alloc(1))))).rejects.toThrow('the PNG claims an impossible size 0×2');
  });

  it('refuses an indexed-colour PNG without a palette', async () => {
    await expect(checkImage(pngOf(pngHeader(2, 2, 8, 3), deflateSync(Buffer.alloc(6))))).rejects.toThrow('the indexed-colour PNG has no palette');
  });

  it("refuses an interlaced PNG of fewer than 8 bits per sample, which pdfkit's decoder misreads", async () => {
    await expect(checkImage(pngOf(pngHeader(8, 8, 1, 0, 1), deflateSync(Buffer.alloc(64))))).rejects.toThrow('interlaced PNGs with fewer than 8 bits per sample are not supported');
  });

  it('refuses a JPEG whose samples are not 8 bits', async () => {
    await expect(checkImage(patchedJpeg((bytes, frame) => (bytes[frame + 4] = 12)))).rejects.toThrow('the JPEG has 12-bit samples; PDF shows only 8-bit ones');
  });

  it('refuses a JPEG coded in a way PDF readers do not show', async () => {
    await expect(checkImage(patchedJpeg((bytes, frame) => (bytes[frame + 1] = 0xc9)))).rejects.toThrow('the JPEG uses a lossless, hierarchical or arithmetic coding PDF readers do not show');
  });

  it('refuses a JPEG with no frame header, or one cut off inside a segment', async () => {
    await expect(checkImage(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).rejects.toThrow('the JPEG has no frame header');
    await expect(checkImage(testImages.jpeg({ width: 8, height: 8 }).subarray(0, 40))).rejects.toThrow('a JPEG segment runs past the end of the file');
  });
});
