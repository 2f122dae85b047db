import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { WorldKind } from '@storyline/contracts';
import { epicItems, epics, worldTables, type EpicItemKind, type LocalizedText } from '@storyline/db';
import type { HandlerStack } from './start-handler-stack';

export const description: LocalizedText = { en: 'A valley of wind-carved stone.', ro: 'O vale de piatră săpată de vânt, cu șoimi și țânțari.' };

/** Gives a region or hero `image` (a PNG's bytes), stored in the media container as the API's image route stores one; answers its blob name. */
export async function setWorldImage(stack: HandlerStack, kind: WorldKind, id: string, image: Buffer): Promise<string> {
  const blobName = `${kind}/${id}/${randomUUID()}`;
  await stack.services.blobs.upload('media', blobName, Readable.from([image]), { contentType: 'image/png' });
  const { items } = worldTables[kind];
  await stack.database.db.update(items).set({ imageBlobName: blobName, imageContentType: 'image/png', imageByteSize: image.length }).where(eq(items.id, id));
  return blobName;
}

/** A region or hero of the stack's owner, named and described as the editor saves one; answers its id. */
export async function insertWorldItem(stack: HandlerStack, kind: WorldKind, name: string, text: LocalizedText = description): Promise<string> {
  const { items } = worldTables[kind];
  const [{ id }] = await stack.database.db.insert(items).values({ ownerId: stack.ownerId, name, description: text }).returning({ id: items.id });
  return id;
}

/** An epic of the stack's owner holding `members` in order; answers its id. */
export async function insertEpic(stack: HandlerStack, name: string, members: { kind: EpicItemKind; id: string }[]): Promise<string> {
  const [{ id }] = await stack.database.db.insert(epics).values({ ownerId: stack.ownerId, name, description }).returning({ id: epics.id });
  await saveEpicItems(stack, id, members);
  return id;
}

/** Replaces an epic's members, as a save of the epic does. */
export async function saveEpicItems(stack: HandlerStack, epicId: string, members: { kind: EpicItemKind; id: string }[]): Promise<void> {
  await stack.database.db.delete(epicItems).where(eq(epicItems.epicId, epicId));
  if (members.length > 0) await stack.database.db.insert(epicItems).values(members.map((member, position) => ({ epicId, position, kind: member.kind, itemId: member.id })));
}
