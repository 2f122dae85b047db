import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

/** The TrueType bytes a story document embeds: DejaVu Sans covers Romanian (ă â î ș ț, with comma below) and far beyond. */
export interface DocumentFonts {
  regular: Buffer;
  bold: Buffer;
}

// Resolved through Node's package resolution from this module's own URL. Run from source the URL is this
// file; bundled by esbuild (`--packages=external`) it is dist/apps/worker/main.mjs. Either way the lookup
// walks up to the repository's node_modules, where the worker's other external packages live too.
const require = createRequire(import.meta.url);

let loading: Promise<DocumentFonts> | undefined;

/**
 * The embedded fonts, read from disk once per process: every document after the first reuses the same
 * bytes (pdfkit parses them per document, but reading 1.4 MB per export would be waste).
 */
export function loadDocumentFonts(): Promise<DocumentFonts> {
  loading ??= readFonts().catch((error: unknown) => {
    // A failed read (say, a half-deployed node_modules) must not poison every later export.
    loading = undefined;
    throw error;
  });
  return loading;
}

async function readFonts(): Promise<DocumentFonts> {
  const [regular, bold] = await Promise.all([
    readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')),
    readFile(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf')),
  ]);
  return { regular, bold };
}
