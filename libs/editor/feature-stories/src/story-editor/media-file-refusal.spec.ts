import { describe, expect, it } from 'vitest';
import { mediaFileRefusal } from './media-file-refusal';

const file = (name: string, type: string, size = 10) => ({ name, type, size });

describe('mediaFileRefusal', () => {
  it('lets PNG and JPEG images through', () => {
    expect(mediaFileRefusal(file('a.png', 'image/png'), 1)).toBeNull();
    expect(mediaFileRefusal(file('b.jpg', 'image/jpeg'), 12)).toBeNull();
  });

  it('refuses other kinds of file by their type', () => {
    expect(mediaFileRefusal(file('c.gif', 'image/gif'), 5)).toBe('“c.gif” is not a PNG or JPEG image');
    expect(mediaFileRefusal(file('lying.png', 'application/pdf'), 5)).toBe('“lying.png” is not a PNG or JPEG image');
  });

  it('judges an untyped file by its name and leaves the rest to the server', () => {
    expect(mediaFileRefusal(file('photo.JPEG', ''), 5)).toBeNull();
    expect(mediaFileRefusal(file('notes', ''), 5)).toBe('“notes” is not a PNG or JPEG image');
  });

  it('refuses an empty file', () => {
    expect(mediaFileRefusal(file('a.png', 'image/png', 0), 5)).toBe('“a.png” is empty');
  });

  it('refuses a file for a page that is already full', () => {
    expect(mediaFileRefusal(file('a.png', 'image/png'), 0)).toBe('“a.png” was not added: a page holds at most 12 images');
  });
});
