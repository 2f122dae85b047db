import { crc32, deflateSync } from 'node:zlib';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A valid 1×1 RGB PNG of the given colour: signature, IHDR, IDAT (zlib), IEND, each chunk with its CRC. */
export function tinyPng(rgb: [number, number, number] = [200, 30, 90]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit, truecolour, deflate, no filter set, no interlace
  const pixels = deflateSync(Buffer.from([0, ...rgb])); // filter byte 0, then the one pixel
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', pixels), pngChunk('IEND', Buffer.alloc(0))]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/**
 * The smallest JPEG file-type (and any sniffer) recognises: SOI, a JFIF APP0 segment, a
 * comment carrying `note` (so two images can differ), EOI.
 */
export function tinyJpeg(note = 'tiny'): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const text = Buffer.from(note, 'latin1');
  const comment = Buffer.concat([Buffer.from([0xff, 0xfe, (text.length + 2) >> 8, (text.length + 2) & 0xff]), text]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, comment, Buffer.from([0xff, 0xd9])]);
}

/** A GIF header, which is an image but not one a page may hold. */
export function tinyGif(): Buffer {
  return Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
}

/** A PNG signature and header followed by `size` bytes in total of zeros: sniffs as PNG, deflates to almost nothing. */
export function zeroPaddedPng(size: number): Buffer {
  const png = tinyPng();
  const padded = Buffer.alloc(size);
  png.copy(padded, 0, 0, Math.min(png.length, size));
  return padded;
}
