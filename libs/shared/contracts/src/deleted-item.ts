import * as z from 'zod';

/** What an owner can delete (and restore within the undo window). */
export const DeletableKind = z.enum(['story', 'region', 'hero', 'epic']);
export type DeletableKind = z.infer<typeof DeletableKind>;

/** What a delete or a restore answers: the item, named, so the editor can say what went or came back. */
export const DeletedItem = z.object({ kind: DeletableKind, id: z.string(), name: z.string() });
export type DeletedItem = z.infer<typeof DeletedItem>;

/** The sentence a job on a deleted item ends with, whether it was running at the delete or started after it. */
export function deletedItemReason(label: string): string {
  return `The ${label} was deleted.`;
}
