/** Reading a rendered PDF back (text, images, metadata) with pdf.js, and images made by hand, for tests of this lib and beyond. */
export { normaliseText, readPdf, type ReadPage, type ReadPdf } from './read-pdf';
export { testImages, type TestPngOptions } from './test-images';
