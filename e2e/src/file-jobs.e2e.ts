import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Page } from '@playwright/test';
import type { JobType, Transport } from '@storyline/contracts';
import { readStoryArchive } from '@storyline/story-archive';
import { buildRawZip } from '@storyline/story-archive/testing';
import { normaliseText, readPdf, testImages } from '@storyline/story-document/testing';
import { AppShell } from './app-shell.po';
import { expect, test } from './fixtures';
import { expectImageLoaded, StoryFilesPage, StoryImportPanel, type TestFile } from './file-jobs.po';
import { PASSWORDS } from './login.po';
import { StorylineApi } from './storyline-api';

const FILE_JOB_TYPES: JobType[] = ['story-export', 'story-import', 'story-fork', 'story-fork-assets', 'story-document-export'];
const JOB_TIMEOUT = { timeout: 30_000 };

const text = {
  en: 'The fox crossed the frozen river at dawn and kept the bread for tomorrow.',
  ro: 'Știința țăranului: mâine își împarte pâinea cu vulpea de lângă râu.',
};

/** Every file job type on `transport`, through the admin API. */
async function useTransport(request: APIRequestContext, transport: Transport): Promise<void> {
  const admin = new StorylineApi(request);
  await admin.login('admin', PASSWORDS['admin']);
  for (const jobType of FILE_JOB_TYPES) await admin.setFlag({ jobType, transport });
}

/** Alice's story of one page in both languages, made through the API and opened in the editor. */
async function openNewStory(alice: Page, title: string): Promise<StoryFilesPage> {
  const story = await new StorylineApi(alice.request).createDraftStory(title, [{ ...text, media: [] }]);
  const editor = new StoryFilesPage(alice);
  await editor.open(story.id);
  await expect(editor.pageText(0, 'ro')).toHaveValue(text.ro);
  return editor;
}

function png(seed: number): TestFile {
  return { name: `lantern-${seed}.png`, mimeType: 'image/png', buffer: testImages.png({ width: 8, height: 8, seed }) };
}

/** Reads an exported ZIP with the archive reader the import job uses: story.json and every image's bytes by file name. */
async function readArchive(path: string) {
  const images = new Map<string, Buffer>();
  const story = await readStoryArchive(path, {
    onMedia: async (media, content) => {
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(chunk as Buffer);
      images.set(media.fileName, Buffer.concat(chunks));
    },
  });
  return { story, images };
}

/** Exports the open story's draft as a ZIP through the editor and saves the download. */
async function exportZip(editor: StoryFilesPage, transport: Transport, path: string): Promise<string> {
  await editor.exportZip();
  await editor.expectJobCompleted('export-zip', transport);
  await expect(editor.zipDetail('media-count')).toHaveText('1 image');
  await expect(editor.zipDetail('language-count')).toHaveText('2 languages');
  return editor.download('export-zip', path);
}

test.describe('file jobs', () => {
  for (const transport of ['push', 'polling'] as Transport[]) {
    test.describe(`on ${transport}`, () => {
      test.beforeEach(async ({ request }) => useTransport(request, transport));

      test('alice adds an image to a page and sees its thumbnail', async ({ signIn }) => {
        const alice = await signIn('alice');
        const editor = await openNewStory(alice, `Media (${transport})`);
        await editor.addImage(0, png(1));
        await expectImageLoaded(editor.pageMedia(0).getByTestId('media-thumbnail'));
        await alice.reload();
        await expectImageLoaded(editor.pageMedia(0).getByTestId('media-thumbnail'));
      });

      test('alice exports the draft as a ZIP holding its text in both languages and its image', async ({ signIn }, testInfo) => {
        const alice = await signIn('alice');
        const editor = await openNewStory(alice, `Export (${transport})`);
        const image = png(2);
        await editor.addImage(0, image);

        const zipPath = await exportZip(editor, transport, testInfo.outputPath('story.zip'));

        const { story, images } = await readArchive(zipPath);
        expect(story.title).toBe(`Export (${transport})`);
        expect(story.languages).toEqual(expect.arrayContaining(['en', 'ro']));
        expect(story.pages).toHaveLength(1);
        expect(story.pages[0]).toMatchObject({ en: text.en, ro: text.ro });
        expect(story.media).toHaveLength(1);
        expect(story.pages[0]?.media).toEqual([story.media[0]?.id]);
        expect(images.get(image.name)?.equals(image.buffer)).toBe(true);
      });

      test('alice imports an exported ZIP and opens the new story with its text and image', async ({ signIn }, testInfo) => {
        const alice = await signIn('alice');
        const editor = await openNewStory(alice, `Import (${transport})`);
        await editor.addImage(0, png(3));
        const zipPath = await exportZip(editor, transport, testInfo.outputPath('story.zip'));
        const sourceUrl = alice.url();

        const imports = new StoryImportPanel(alice);
        await imports.open();
        await imports.importZip(zipPath);
        await expect(imports.job.getByTestId('job-transport')).toHaveText(transport, JOB_TIMEOUT);
        await expect(imports.result).toContainText(`Import (${transport})`, JOB_TIMEOUT);
        await expect(imports.result).toContainText('1 page and 1 image');
        await imports.openImported();

        expect(alice.url()).not.toBe(sourceUrl);
        await expect(editor.pageText(0, 'en')).toHaveValue(text.en);
        await expect(editor.pageText(0, 'ro')).toHaveValue(text.ro);
        await expect(editor.thumbnails).toHaveCount(1);
        await expectImageLoaded(editor.thumbnails.first());
      });

      test('alice forks a story and the fork shows its origin and, once copied, its image', async ({ signIn }) => {
        const alice = await signIn('alice');
        const title = `Fork source (${transport})`;
        const editor = await openNewStory(alice, title);
        await editor.addImage(0, png(4));
        const sourceUrl = alice.url();

        await editor.fork();
        await expect(alice).not.toHaveURL(sourceUrl, JOB_TIMEOUT);
        await expect(editor.forkedFromLink).toHaveText(title, JOB_TIMEOUT);
        await expect(editor.pageText(0, 'ro')).toHaveValue(text.ro);
        await expect(editor.thumbnails).toHaveCount(1, JOB_TIMEOUT);
        await expectImageLoaded(editor.thumbnails.first());
        // The assets job is shown only when the fork page saw it run; one that ended before the page read the story leaves nothing to show.
        const assets = editor.jobCard('fork-assets');
        if ((await assets.count()) > 0) {
          await expect(assets.getByTestId('job-transport')).toHaveText(transport);
          await expect(assets.getByTestId('job-status')).toHaveText('Completed', JOB_TIMEOUT);
          await expect(alice.getByTestId('fork-assets-count')).toHaveText('all 1 images copied');
        }
      });

      test('alice exports the draft as a Romanian PDF whose text keeps its diacritics', async ({ signIn }, testInfo) => {
        const alice = await signIn('alice');
        const editor = await openNewStory(alice, `PDF (${transport})`);

        await editor.exportPdf('Română');
        await editor.expectJobCompleted('export-pdf', transport);
        await expect(editor.pdfDetail('language')).toHaveText('Română');
        const pdfPath = await editor.download('export-pdf', testInfo.outputPath('story.pdf'));

        const pdf = await readPdf(await readFile(pdfPath));
        const allText = normaliseText(pdf.pages.map((page) => page.text).join(' '));
        expect(allText).toContain(normaliseText(text.ro));
        expect(allText).not.toContain(text.en);
      });
    });
  }
});

test('a broken ZIP’s import offers no Retry but Choose another file, which imports a good one', async ({ signIn }, testInfo) => {
  const alice = await signIn('alice');
  const editor = await openNewStory(alice, 'Chosen again');
  await editor.addImage(0, png(5));
  const goodZip = await exportZip(editor, 'push', testInfo.outputPath('good.zip'));
  const brokenZip = { name: 'broken.zip', mimeType: 'application/zip', buffer: buildRawZip([{ name: 'story.json', data: Buffer.from('{ "title": "half a story') }]) };

  const imports = new StoryImportPanel(alice);
  await imports.open();
  await imports.importZip(brokenZip);
  await expect(imports.job).toHaveAttribute('data-status', 'Failed', JOB_TIMEOUT);
  await expect(imports.job.getByTestId('job-error')).toContainText('story.json is not valid JSON');
  await expect(alice.getByTestId('import-retry')).toHaveCount(0);

  // Any client may ask anyway: the server refuses, saying what helps instead.
  const failedJobId = await imports.job.getAttribute('data-job-id');
  const refused = await alice.request.post('/trpc/jobs.retry', { data: { jobId: failedJobId } });
  expect(refused.status()).toBe(409);
  expect(await refused.text()).toContain('choose another file');

  const chooser = alice.waitForEvent('filechooser');
  await alice.getByTestId('import-choose-file').click();
  await (await chooser).setFiles(goodZip);
  await expect(imports.result).toContainText('Chosen again', JOB_TIMEOUT);
  await expect(alice.getByTestId('import-remedy')).toHaveCount(0);

  // The Activity panel says the same of the failed import: no Retry, the remedy instead.
  const shell = new AppShell(alice);
  await shell.openActivity();
  const row = shell.activityJob(failedJobId ?? '');
  await expect(row).toHaveAttribute('data-status', 'Failed');
  await expect(row.getByTestId('activity-job-link')).toHaveText('Import of a story');
  await expect(row.getByTestId('activity-retry')).toHaveCount(0);
  await expect(row.getByTestId('activity-remedy')).toHaveText('Choose another file');
});
