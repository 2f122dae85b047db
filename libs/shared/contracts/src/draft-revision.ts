import * as z from 'zod';

/**
 * The revision of a draft (a story's, an epic's, a region's or a hero's) that a save was based
 * on. The server counts every change to a draft; a save based on an older revision than the
 * stored one is refused with {@link DRAFT_CONFLICT_MESSAGE} rather than overwriting a change
 * its author has not seen.
 */
export const DraftRevision = z
  .number({ error: (issue) => (issue.input === undefined ? 'revision is required: the revision of the draft this save is based on' : 'revision must be a number') })
  .int('revision must be a whole number')
  .positive('revision must be a positive whole number');
export type DraftRevision = z.infer<typeof DraftRevision>;

/** Why a save was refused (code CONFLICT): the draft changed elsewhere since the revision it was based on. */
export const DRAFT_CONFLICT_MESSAGE = 'This draft was changed elsewhere since you opened it; choose which version to keep';
