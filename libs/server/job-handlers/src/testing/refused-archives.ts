import { crc32 } from 'node:zlib';
import { buildRawZip, flipEntryByte, manifestBytes, mediaFor, storyWith, tinyJpeg, tinyPng, zeroPaddedPng, type RawZipEntry } from '@storyline/story-archive/testing';

const MiB = 1024 * 1024;
const fox = tinyPng([200, 30, 90]);
const owl = tinyPng([10, 120, 40]);
const [foxMedia, owlMedia] = [mediaFor('fox', fox), mediaFor('owl', owl)];
const manifest = (archive: unknown = storyWith([foxMedia])): RawZipEntry => ({ name: 'story.json', data: manifestBytes(archive), method: 'deflated' });
const foxEntry: RawZipEntry = { name: foxMedia.file, data: fox, method: 'deflated' };
/** A PNG signature and header, then zeros up to `size` bytes: an image by its bytes that deflates to almost nothing. */
const zeroPadded = (size: number) => Buffer.concat([tinyPng(), Buffer.alloc(size - tinyPng().length)]);
const sized = (id: string, byteSize: number) => ({ ...mediaFor(id, tinyPng()), byteSize });
// Large enough to be uploaded in several chunks before its end shows the damage.
const bigOwl = zeroPaddedPng(MiB);
const bigOwlMedia = mediaFor('owl', bigOwl);
const damageable = manifestBytes(storyWith([foxMedia, bigOwlMedia]));
/** story.json deflated and the images stored, as an export writes them; damaged in two ways below. */
const wholeZip = () =>
  buildRawZip([
    { name: 'story.json', data: damageable, method: 'deflated' },
    { name: foxMedia.file, data: fox },
    { name: bigOwlMedia.file, data: bigOwl },
  ]);

export interface RefusedArchive {
  what: string;
  zip: () => Buffer;
  error: RegExp;
  /** Images stored before the refusal came (and then deleted): 0 when the archive was refused before any byte was handed out. */
  storedFirst?: number;
}

/**
 * Archives an import must refuse, each with the sentence it fails with: damaged ones, hostile
 * ones (paths out of the scratch dir, links, bombs, a lying header, too many entries) and
 * broken ones. `absoluteTarget` names the file an entry with an absolute path would write
 * if anything wrote it out. The zip bombs assume an 8 MiB limit on the unpacked total.
 */
export function refusedArchives(absoluteTarget: () => string): RefusedArchive[] {
  return [
    {
      what: 'a stored image with one flipped byte, after another image was stored',
      zip: () => flipEntryByte(wholeZip(), bigOwlMedia.file),
      error: /^The archive is damaged: media\/owl\.png does not match its checksum$/,
      storedFirst: 2,
    },
    {
      what: 'a deflated story.json whose CRC-32 is wrong',
      zip: () =>
        buildRawZip([
          { name: 'story.json', data: damageable, method: 'deflated', claimedCrc: (crc32(damageable) ^ 1) >>> 0 },
          { name: foxMedia.file, data: fox },
          { name: bigOwlMedia.file, data: bigOwl },
        ]),
      error: /^The archive is damaged: story\.json does not match its checksum$/,
    },
    {
      what: 'an entry whose ../ path climbs out of its folder',
      zip: () => buildRawZip([manifest(), foxEntry, { name: '../escaped.txt', data: Buffer.from('out of the sandbox') }]),
      error: /^The archive holds a path that leaves its folder: \.\.\/escaped\.txt$/,
    },
    {
      what: 'an entry with an absolute path',
      zip: () => buildRawZip([manifest(), foxEntry, { name: absoluteTarget(), data: Buffer.from('anywhere on disk') }]),
      error: /^The archive holds a path that starts at the top of a disk instead of inside its folder: \/.*absolute\.txt$/,
    },
    {
      what: 'an entry named with backslashes',
      zip: () => buildRawZip([manifest(), { ...foxEntry, name: 'media\\fox.png' }]),
      error: /^The archive holds a file name with backslashes, which ZIP files must not use: media\\fox\.png/,
    },
    {
      what: 'a symbolic link where an image should be',
      zip: () => buildRawZip([manifest(), { name: foxMedia.file, data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]),
      error: /^The archive holds a link to another file, which is not allowed: media\/fox\.png$/,
    },
    {
      what: 'a zip bomb by total size: nine honest 1 MiB images past the 8 MiB the archive may unpack to',
      zip: () => {
        const media = Array.from({ length: 9 }, (_, index) => sized(`z${index}`, MiB));
        return buildRawZip([manifest(storyWith(media)), ...media.map((item) => ({ name: item.file, data: zeroPadded(MiB), method: 'deflated' as const }))]);
      },
      error: /^The archive unpacks to more than 8 MB, the most an archive may hold$/,
    },
    {
      what: 'a zip bomb by ratio: 4 MiB of zeros packed into a few KiB',
      zip: () => buildRawZip([manifest(storyWith([sized('fox', 4 * MiB)])), { name: foxMedia.file, data: zeroPadded(4 * MiB), method: 'deflated' }]),
      error: /^media\/fox\.png unpacks to more than 100 times its packed size, so the archive looks like a zip bomb$/,
    },
    {
      what: 'a header that under-states an entry: 2 KiB claimed, 20 MiB inside',
      zip: () =>
        buildRawZip([
          manifest(storyWith([foxMedia, sized('owl', 2048)])),
          foxEntry,
          { name: owlMedia.file, data: zeroPadded(20 * MiB), method: 'deflated', claimedSize: 2048 },
        ]),
      error: /^The archive is damaged: media\/owl\.png holds more data than the archive says$/,
      storedFirst: 1,
    },
    {
      what: '5,000 tiny entries',
      zip: () => buildRawZip([manifest(), ...Array.from({ length: 5_000 }, (_, index) => ({ name: `media/f${index}.png`, data: Buffer.from([index % 256]) }))]),
      error: /^The archive holds 5,001 files; at most 1,000 are allowed$/,
    },
    {
      what: 'the same name twice',
      zip: () => buildRawZip([manifest(), foxEntry, { ...foxEntry, data: owl }]),
      error: /^The archive holds media\/fox\.png more than once$/,
    },
    {
      what: 'an encrypted entry',
      zip: () => buildRawZip([manifest(), { name: foxMedia.file, data: Buffer.concat([Buffer.alloc(12, 7), fox]), claimedSize: fox.length, flags: 0x801 }]),
      error: /^The archive holds an encrypted file, which cannot be read: media\/fox\.png$/,
    },
    {
      what: 'a ZIP cut in half (its central directory lost)',
      zip: () => {
        const whole = buildRawZip([manifest(storyWith([foxMedia, owlMedia])), foxEntry, { name: owlMedia.file, data: owl, method: 'deflated' }]);
        return whole.subarray(0, Math.floor(whole.length / 2));
      },
      error: /^This file is not a ZIP archive or it is damaged$/,
    },
    {
      what: 'no story.json',
      zip: () => buildRawZip([foxEntry]),
      error: /^The archive holds no story\.json, so it is not a story archive$/,
    },
    {
      what: 'a story.json that breaks the schema in three places',
      zip: () => buildRawZip([manifest({ ...storyWith([]), schemaVersion: 2, title: '   ', pages: [{ en: 42, ro: 'A fost odată' }] })]),
      error: /^story\.json is not a valid story: schemaVersion: schemaVersion must be 1; title: the title is required; pages\.0\.en: the English text must be text, not a number$/,
    },
    {
      what: 'a story.json that is not JSON',
      zip: () => buildRawZip([{ name: 'story.json', data: Buffer.from('{ "schemaVersion": 1, "title": "The fox", ') }]),
      error: /^story\.json is not valid JSON, so the story in it cannot be read$/,
    },
    {
      // The bug: Postgres refused the insert, so the job was tried three times and failed as "internal error (reference …)".
      what: 'a story.json holding a NUL or half a surrogate pair, once retried three times and failed as an internal error',
      zip: () =>
        buildRawZip([
          manifest({ ...storyWith([{ ...foxMedia, fileName: 'fox\u0000.png' }]), pages: [{ en: 'Once \ud800 upon a time', ro: 'A fost\u0000odată', media: ['fox'] }] }),
          foxEntry,
        ]),
      error:
        /^story\.json is not a valid story: pages\.0\.en: holds half of a surrogate pair \(such as \\uD800 alone\), which is not a character; pages\.0\.ro: holds a NUL character \(\\u0000\), which a story cannot hold; media\.0\.fileName: holds a NUL character/,
    },
    {
      what: 'text named .png after a real image',
      zip: () => {
        const text = Buffer.from('Dear diary, today I pretended to be a picture.');
        return buildRawZip([manifest(storyWith([foxMedia, { ...owlMedia, byteSize: text.length }])), foxEntry, { name: owlMedia.file, data: text }]);
      },
      error: /^media\/owl\.png is not a PNG or JPEG image \(its type could not be recognised\)$/,
      storedFirst: 1,
    },
    {
      what: 'a JPEG that story.json calls a PNG',
      zip: () => buildRawZip([manifest(storyWith([{ ...foxMedia, byteSize: tinyJpeg().length }])), { name: foxMedia.file, data: tinyJpeg() }]),
      error: /^media\/fox\.png is a JPEG image, but story\.json says it is a PNG image$/,
    },
    {
      what: 'a story.json naming an image the archive lacks',
      zip: () => buildRawZip([manifest(storyWith([foxMedia, owlMedia])), foxEntry]),
      error: /^story\.json names media\/owl\.png, which the archive lacks$/,
    },
  ];
}

/** Archives an import must take, one of them {@link refusedArchives}' first two undamaged: the refusals are then the damage's own. */
export function acceptedArchives(): Buffer[] {
  return [buildRawZip([manifest(storyWith([foxMedia, owlMedia])), foxEntry, { name: owlMedia.file, data: owl, method: 'deflated' }]), wholeZip()];
}
