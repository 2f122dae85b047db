import * as z from 'zod';
import { DraftRevision } from './draft-revision';
import { WorldDescription, WorldName, WorldVersionNumber } from './world';

/**
 * Epics: an ordered collection of the owner's stories, regions and heroes, with a name and
 * a description in every language. `epic-publish` snapshots it as a published version once
 * every story in it is published; `epic-version` snapshots it as it stands. Both pin each
 * member's version, and both share one numbering.
 */
export const EpicItemKind = z.enum(['story', 'region', 'hero']);
export type EpicItemKind = z.infer<typeof EpicItemKind>;

export const EpicId = z.uuid({ message: 'id must be a UUID' });

export const EPIC_ITEMS_MAX = 200;

export const EpicName = WorldName;
export const EpicDescription = WorldDescription;
export type EpicDescription = WorldDescription;

/** Names one member: a story, region or hero of the epic's owner. */
export const EpicItemRef = z.object({ kind: EpicItemKind, id: z.uuid({ message: 'an item id must be a UUID' }) });
export type EpicItemRef = z.infer<typeof EpicItemRef>;

/** A member as the editor shows it: its title (story) or name (region, hero) and its current version. */
export const EpicItem = EpicItemRef.extend({
  name: z.string(),
  /** A story's published version, a region's or hero's latest version; null before the first. */
  version: z.number().int().nullable(),
});
export type EpicItem = z.infer<typeof EpicItem>;

export const EpicSummary = z.object({
  id: z.string(),
  name: z.string(),
  itemCount: z.number().int().nonnegative(),
  publishedVersion: z.number().int().nullable(),
  latestVersion: z.number().int().nullable(),
  updatedAt: z.string(),
});
export type EpicSummary = z.infer<typeof EpicSummary>;

export const EpicDetail = EpicSummary.extend({
  ownerId: z.string(),
  description: WorldDescription,
  items: z.array(EpicItem),
  /** Counts every change to the name, descriptions and items; a save names it (see {@link DraftRevision}). */
  revision: z.number().int(),
});
export type EpicDetail = z.infer<typeof EpicDetail>;

export const EpicVersionKind = z.enum(['published', 'snapshot']);
export type EpicVersionKind = z.infer<typeof EpicVersionKind>;

export const EpicVersionSummary = z.object({ version: z.number().int(), kind: EpicVersionKind, name: z.string(), createdAt: z.string() });
export type EpicVersionSummary = z.infer<typeof EpicVersionSummary>;

/** A version as it was taken, read-only: its members pinned at the versions they had then. */
export const EpicVersionDetail = EpicVersionSummary.extend({ id: z.string(), description: WorldDescription, members: z.array(EpicItem) });
export type EpicVersionDetail = z.infer<typeof EpicVersionDetail>;

export const CreateEpicInput = z.object({ name: EpicName });
export type CreateEpicInput = z.infer<typeof CreateEpicInput>;

export const SaveEpicInput = z.object({
  id: EpicId,
  name: EpicName,
  description: WorldDescription,
  items: z
    .array(EpicItemRef)
    .max(EPIC_ITEMS_MAX, `an epic holds at most ${EPIC_ITEMS_MAX} items`)
    .refine((items) => new Set(items.map((item) => `${item.kind}:${item.id}`)).size === items.length, 'an item appears in the epic only once'),
  /** The revision this save was based on. */
  revision: DraftRevision,
});
export type SaveEpicInput = z.infer<typeof SaveEpicInput>;

/** Names one epic: `get`, `publish`, `version`, `versions`. */
export const EpicInput = z.object({ id: EpicId });
export type EpicInput = z.infer<typeof EpicInput>;

export const GetEpicVersionInput = z.object({ id: EpicId, version: WorldVersionNumber });
export type GetEpicVersionInput = z.infer<typeof GetEpicVersionInput>;

export const EpicPublishPayload = z.object({ epicId: z.uuid() });
export type EpicPublishPayload = z.infer<typeof EpicPublishPayload>;
export const EpicVersionPayload = z.object({ epicId: z.uuid() });
export type EpicVersionPayload = z.infer<typeof EpicVersionPayload>;

/** What `epic-publish` and `epic-version` answer: the version taken and how many members it pins. */
export const EpicVersionResult = z.object({ version: z.number().int().positive(), memberCount: z.number().int().nonnegative() });
export type EpicVersionResult = z.infer<typeof EpicVersionResult>;
export const EpicPublishResult = EpicVersionResult;
export type EpicPublishResult = EpicVersionResult;
