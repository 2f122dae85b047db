/** Reading a rendered PDF back (text, images, metadata) with pdf.js, for tests of this lib and of the export job. */
export { normaliseText, readPdf, type ReadPage, type ReadPdf } from './read-pdf';
