import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { deletedAt, deletedIndex } from './deleted-at';
import { users } from './schema';

/** A text in every language the platform publishes. */
export type LocalizedText = { en: string; ro: string };

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * The image of a region or a hero: one blob in the media container, checked by content
 * like a page's images. A version keeps the blob it was taken with, so a replaced image
 * stays stored while a version shows it.
 */
const imageColumns = () => ({
  imageBlobName: text('image_blob_name'),
  imageContentType: text('image_content_type'),
  imageByteSize: integer('image_byte_size'),
});

/** What regions, heroes and epics all are: an owner's item with a name and a description in every language. */
const ownedItemColumns = () => ({
  id: uuid('id').primaryKey().defaultRandom(),
  ownerId: uuid('owner_id')
    .notNull()
    .references(() => users.id),
  name: text('name').notNull(),
  description: jsonb('description').$type<LocalizedText>().notNull(),
  deletedAt: deletedAt(),
  /** Counts every change to the editable texts (and an epic's items); a save names the revision it was based on, so one made over a newer revision is refused, never silently overwriting it. */
  revision: integer('revision').notNull().default(1),
});

/** What a region and a hero both are: an owned item with an image and its latest version number. */
const worldItemColumns = () => ({
  ...ownedItemColumns(),
  ...imageColumns(),
  latestVersion: integer('latest_version'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What a version of either keeps: its number, the item's texts and image as they were, and the job that took it. */
const worldVersionColumns = () => ({
  id: uuid('id').primaryKey().defaultRandom(),
  version: integer('version').notNull(),
  name: text('name').notNull(),
  description: jsonb('description').$type<LocalizedText>().notNull(),
  ...imageColumns(),
  jobId: uuid('job_id'),
  createdAt: createdAt(),
});

/** A place of the story world: a name, a description in every language, an image. */
export const regions = pgTable('regions', worldItemColumns(), (t) => [index('regions_owner_idx').on(t.ownerId), deletedIndex('regions_deleted_idx', t.deletedAt)]);

/** Immutable snapshots of a region, taken by `region-version` jobs. */
export const regionVersions = pgTable(
  'region_versions',
  {
    ...worldVersionColumns(),
    regionId: uuid('region_id')
      .notNull()
      .references(() => regions.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('region_versions_region_version_uq').on(t.regionId, t.version)],
);

/** A character of the story world: a name, a description in every language, an image. */
export const heroes = pgTable('heroes', worldItemColumns(), (t) => [index('heroes_owner_idx').on(t.ownerId), deletedIndex('heroes_deleted_idx', t.deletedAt)]);

/** Immutable snapshots of a hero, taken by `hero-version` jobs. */
export const heroVersions = pgTable(
  'hero_versions',
  {
    ...worldVersionColumns(),
    heroId: uuid('hero_id')
      .notNull()
      .references(() => heroes.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('hero_versions_hero_version_uq').on(t.heroId, t.version)],
);

/** What an epic holds, in order: the owner's own stories, regions and heroes. */
export type EpicItemKind = 'story' | 'region' | 'hero';

/** One member of an epic version, pinned at the version it had when the version was taken (null: none yet). */
export type EpicMember = { kind: EpicItemKind; id: string; name: string; version: number | null };

/** An ordered collection of its owner's stories, regions and heroes, with a name and a description in every language. */
export const epics = pgTable(
  'epics',
  {
    ...ownedItemColumns(),
    publishedVersion: integer('published_version'),
    latestVersion: integer('latest_version'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('epics_owner_idx').on(t.ownerId), deletedIndex('epics_deleted_idx', t.deletedAt)],
);

/** The epic's members in order; `item_id` names a story, region or hero by `kind` (no foreign key: it spans three tables). */
export const epicItems = pgTable(
  'epic_items',
  {
    epicId: uuid('epic_id')
      .notNull()
      .references(() => epics.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    kind: text('kind').$type<EpicItemKind>().notNull(),
    itemId: uuid('item_id').notNull(),
  },
  (t) => [uniqueIndex('epic_items_epic_position_uq').on(t.epicId, t.position)],
);

/** Immutable snapshots of an epic: `published` by `epic-publish`, `snapshot` by `epic-version`; one numbering for both. */
export const epicVersions = pgTable(
  'epic_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    epicId: uuid('epic_id')
      .notNull()
      .references(() => epics.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    kind: text('kind').$type<'published' | 'snapshot'>().notNull(),
    name: text('name').notNull(),
    description: jsonb('description').$type<LocalizedText>().notNull(),
    members: jsonb('members').$type<EpicMember[]>().notNull(),
    jobId: uuid('job_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('epic_versions_epic_version_uq').on(t.epicId, t.version)],
);
