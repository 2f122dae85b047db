import * as z from 'zod';
import { MediaContentType } from './media';
import { DraftRevision } from './draft-revision';
import { storable } from './storable-text';

/**
 * Regions and heroes: the places and characters of the story world. The two are the same
 * in shape (a name, a description in every language, one image, immutable versions), so
 * one set of schemas serves both; the `Region…` and `Hero…` names say which one is meant.
 */
export const WorldKind = z.enum(['region', 'hero']);
export type WorldKind = z.infer<typeof WorldKind>;

export const WorldItemId = z.uuid({ message: 'id must be a UUID' });

export const WORLD_NAME_MAX = 120;
export const WORLD_DESCRIPTION_MAX = 10_000;

export const WorldName = storable(
  z
    .string({ error: (issue) => (issue.input === undefined ? 'the name is required' : 'the name must be text') })
    .trim()
    .min(1, 'the name is required')
    .max(WORLD_NAME_MAX, `the name is at most ${WORLD_NAME_MAX} characters`),
);

const descriptionText = (language: string) =>
  storable(
    z
      .string({ error: (issue) => (issue.input === undefined ? `the ${language} description is missing` : `the ${language} description must be text`) })
      .max(WORLD_DESCRIPTION_MAX, `the ${language} description is at most ${WORLD_DESCRIPTION_MAX.toLocaleString('en')} characters`),
  );

/** A description in every language the platform publishes. */
export const WorldDescription = z.object({ en: descriptionText('English'), ro: descriptionText('Romanian') });
export type WorldDescription = z.infer<typeof WorldDescription>;

/** The image of a region or hero (or of one of its versions); `url` serves its bytes to the owner and admins. */
export const WorldImage = z.object({ contentType: MediaContentType, byteSize: z.number().int().nonnegative(), url: z.string() });
export type WorldImage = z.infer<typeof WorldImage>;

export const WorldItemSummary = z.object({
  id: z.string(),
  name: z.string(),
  /** The newest version taken, or null before the first. */
  latestVersion: z.number().int().nullable(),
  updatedAt: z.string(),
});
export type WorldItemSummary = z.infer<typeof WorldItemSummary>;

export const WorldItemDetail = WorldItemSummary.extend({
  ownerId: z.string(),
  description: WorldDescription,
  image: WorldImage.nullable(),
  /** Counts every change to the name and descriptions; a save names it (see {@link DraftRevision}). */
  revision: z.number().int(),
});
export type WorldItemDetail = z.infer<typeof WorldItemDetail>;

export const WorldVersionSummary = z.object({ version: z.number().int(), name: z.string(), createdAt: z.string() });
export type WorldVersionSummary = z.infer<typeof WorldVersionSummary>;

/** A version as it was taken: read-only, whatever happened to the region or hero since. */
export const WorldVersionDetail = WorldVersionSummary.extend({ id: z.string(), description: WorldDescription, image: WorldImage.nullable() });
export type WorldVersionDetail = z.infer<typeof WorldVersionDetail>;

export const CreateWorldItemInput = z.object({ name: WorldName });
export type CreateWorldItemInput = z.infer<typeof CreateWorldItemInput>;

/** `revision` is the one the save was based on. */
export const SaveWorldItemInput = z.object({ id: WorldItemId, name: WorldName, description: WorldDescription, revision: DraftRevision });
export type SaveWorldItemInput = z.infer<typeof SaveWorldItemInput>;

/** Names one region or hero: `get`, `version` (take a version), `versions` (list them). */
export const WorldItemInput = z.object({ id: WorldItemId });
export type WorldItemInput = z.infer<typeof WorldItemInput>;

export const WorldVersionNumber = z.coerce.number({ message: 'version must be a positive whole number' }).int('version must be a positive whole number').positive('version must be a positive whole number');

export const GetWorldVersionInput = z.object({ id: WorldItemId, version: WorldVersionNumber });
export type GetWorldVersionInput = z.infer<typeof GetWorldVersionInput>;

/** The answer of `POST /files/regions/<id>/image` and `/files/heroes/<id>/image`. */
export const WorldImageUploaded = z.object({ image: WorldImage });
export type WorldImageUploaded = z.infer<typeof WorldImageUploaded>;

export const RegionSummary = WorldItemSummary;
export type RegionSummary = WorldItemSummary;
export const RegionDetail = WorldItemDetail;
export type RegionDetail = WorldItemDetail;
export const RegionVersionSummary = WorldVersionSummary;
export type RegionVersionSummary = WorldVersionSummary;
export const RegionVersionDetail = WorldVersionDetail;
export type RegionVersionDetail = WorldVersionDetail;
export const HeroSummary = WorldItemSummary;
export type HeroSummary = WorldItemSummary;
export const HeroDetail = WorldItemDetail;
export type HeroDetail = WorldItemDetail;
export const HeroVersionSummary = WorldVersionSummary;
export type HeroVersionSummary = WorldVersionSummary;
export const HeroVersionDetail = WorldVersionDetail;
export type HeroVersionDetail = WorldVersionDetail;

export const RegionVersionPayload = z.object({ regionId: z.uuid() });
export type RegionVersionPayload = z.infer<typeof RegionVersionPayload>;
export const HeroVersionPayload = z.object({ heroId: z.uuid() });
export type HeroVersionPayload = z.infer<typeof HeroVersionPayload>;

/** What a `region-version` or `hero-version` job answers: the version it took. */
export const WorldVersionResult = z.object({ version: z.number().int().positive() });
export type WorldVersionResult = z.infer<typeof WorldVersionResult>;
export const RegionVersionResult = WorldVersionResult;
export type RegionVersionResult = WorldVersionResult;
export const HeroVersionResult = WorldVersionResult;
export type HeroVersionResult = WorldVersionResult;
