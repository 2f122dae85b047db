import { describe, expect, it } from 'vitest';
import { renderStoryDocument, type DocumentPage } from './render-story-document';
import { testImages } from './test-images';

const MiB = 1024 * 1024;

/**
 * Heap and Buffer memory still reachable after a full collection. V8 frees the memory of the Buffers
 * a collection found dead on a background thread, after gc() has returned, so `arrayBuffers` read at
 * once still counts whatever died since the last collection until that thread catches up (over 20 MB
 * here on a busy machine under Node 24). A full collection first finishes the previous one's freeing,
 * so after a second one the count is what is really kept.
 */
function retained(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('tests run with --expose-gc');
  gc();
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

describe('renderStoryDocument memory', () => {
  it('keeps nothing of an image once it is in the document: 100 images of ~200 KB over 200 pages', async () => {
    // Every other page has one incompressible image, half of them RGBA (which pdfkit decodes and re-encodes).
    // Each is made when read, so the only thing that could hold on to them is the renderer.
    const pages: DocumentPage[] = Array.from({ length: 200 }, (_, index) => ({
      text: `Pagina ${index + 1}: Ștefan și țânțarul își împărțeau câmpul.`,
      images:
        index % 2 === 0
          ? [{ contentType: 'image/png', read: async () => (index % 4 === 0 ? testImages.png({ width: 256, height: 256, noise: true }) : testImages.png({ width: 224, height: 224, alpha: true, noise: true })) }]
          : [],
    }));
    const measured: Record<number, number> = {};
    const stream = renderStoryDocument({
      title: 'Memorie',
      language: 'ro',
      pages,
      // Measured while the document is still open, so anything pdfkit keeps per image is still reachable;
      // from page 10 on, so one-off warm-up (zlib, the fonts' first subsetting) is in the baseline.
      onPage: (rendered) => {
        if (rendered === 10 || rendered === 200) measured[rendered] = retained();
      },
    });
    let written = 0;
    for await (const chunk of stream) written += (chunk as Buffer).length;

    expect(written).toBeGreaterThan(100 * 190_000);
    // The 95 images after page 10 weigh ~19 MB; keeping even half of them (~9.5 MB) fails. What does grow
    // is pdfkit's per-page bookkeeping: up to ~2.3 MB by page 200, depending on when V8 compacts the heap.
    expect((measured[200] - measured[10]) / MiB).toBeLessThan(5);
  });
});
