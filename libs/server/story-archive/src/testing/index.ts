/** Builders of well-formed and hostile story archives, for tests of this lib and of the import job. */
export { buildRawZip, type RawZipEntry } from './build-raw-zip';
export { flipEntryByte } from './flip-entry-byte';
export { manifestBytes, mediaFor, storyWith, writeRawZip, writeYazlZip } from './story-archive-fixtures';
export { tinyGif, tinyJpeg, tinyPng, zeroPaddedPng } from './tiny-images';
