import type { WorldKind } from '@storyline/contracts';
import { heroes, heroVersions, regions, regionVersions } from './world-schema';

/**
 * The tables of one kind of world item, so regions and heroes share one router and one
 * version job. The two kinds have the same columns under the same keys, except the
 * version's parent (`regionId`, `heroId`): queries name it through `versionParent` and
 * inserts through `parentKey`, never by the region's key.
 */
export interface WorldTables {
  kind: WorldKind;
  items: typeof regions;
  versions: typeof regionVersions;
  versionParent: typeof regionVersions.regionId;
  parentKey: 'regionId' | 'heroId';
}

export const worldTables: Record<WorldKind, WorldTables> = {
  region: { kind: 'region', items: regions, versions: regionVersions, versionParent: regionVersions.regionId, parentKey: 'regionId' },
  hero: {
    kind: 'hero',
    items: heroes as unknown as typeof regions,
    versions: heroVersions as unknown as typeof regionVersions,
    versionParent: heroVersions.heroId as unknown as typeof regionVersions.regionId,
    parentKey: 'heroId',
  },
};

export type WorldItemRow = typeof regions.$inferSelect;
export type WorldVersionRow = typeof regionVersions.$inferSelect;
