import { describe, expect, it } from 'vitest';
import { loadDocumentFonts } from './document-fonts';

describe('loadDocumentFonts', () => {
  it('reads the TrueType files once and hands every later document the same bytes', async () => {
    const [first, second] = [await loadDocumentFonts(), await loadDocumentFonts()];

    expect(second).toBe(first);
    // A TrueType file starts with the sfnt version 1.0.
    for (const font of [first.regular, first.bold]) expect(font.readUInt32BE(0)).toBe(0x00010000);
    expect(first.bold.equals(first.regular)).toBe(false);
  });
});
