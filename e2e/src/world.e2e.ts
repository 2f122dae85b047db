import type { APIRequestContext } from '@playwright/test';
import type { JobType, Transport, WorldKind } from '@storyline/contracts';
import { testImages } from '@storyline/story-document/testing';
import { expect, test } from './fixtures';
import { expectImageLoaded } from './file-jobs.po';
import { PASSWORDS } from './login.po';
import { StorylineApi } from './storyline-api';
import { WorldPage } from './world.po';

const KINDS: { kind: WorldKind; jobType: JobType }[] = [
  { kind: 'region', jobType: 'region-version' },
  { kind: 'hero', jobType: 'hero-version' },
];

const description = { en: 'Where the wind carves the stone.', ro: 'Unde vântul sapă piatra și șoimii își țin cuiburile.' };

async function useTransport(request: APIRequestContext, jobType: JobType, transport: Transport): Promise<void> {
  const admin = new StorylineApi(request);
  await admin.login('admin', PASSWORDS['admin']);
  await admin.setFlag({ jobType, transport });
}

test.describe('regions and heroes', () => {
  for (const transport of ['push', 'polling'] as Transport[]) {
    for (const { kind, jobType } of KINDS) {
      test(`alice takes a ${jobType} on ${transport} and opens it read-only`, async ({ signIn, request }) => {
        await useTransport(request, jobType, transport);
        const alice = await signIn('alice');
        const world = new WorldPage(alice, kind);
        const name = `Stonewind ${kind} (${transport})`;

        await world.create(name);
        await world.fill(name, description);
        await world.uploadImage({ name: 'stone.png', mimeType: 'image/png', buffer: testImages.png({ width: 8, height: 8, seed: 7 }) });
        await expectImageLoaded(world.image());

        await world.takeVersion(transport);
        await expect(world.latestVersion()).toHaveText('version 1');
        await world.versionItem(1).click();

        await expect(world.versionView('title')).toHaveText('Version 1 (read-only)');
        await expect(world.versionView('name')).toHaveValue(name);
        await expect(world.versionView('name')).not.toBeEditable();
        await expect(world.versionView('description-ro')).toHaveValue(description.ro);
        await expect(world.versionView('description-en')).not.toBeEditable();
        await expectImageLoaded(world.versionView('image'));

        // A later edit leaves the version as it was taken.
        await world.fill(`${name} renamed`, description);
        await world.versionItem(1).click();
        await expect(world.versionView('name')).toHaveValue(name);
      });
    }
  }
});
