import * as z from 'zod';
import { storable } from './storable-text';

/** The longest notice an admin may send: a sentence or two, not a letter. */
export const NOTICE_MAX_LENGTH = 500;

export const NoticeLevel = z.enum(['info', 'warning']);
export type NoticeLevel = z.infer<typeof NoticeLevel>;

/**
 * A short message for people with an open editor: from an admin to everyone
 * (`broadcast`), or to one user (`user`), say about a job of theirs that ended.
 */
export const Notice = z.object({
  id: z.string(),
  level: NoticeLevel,
  message: z.string(),
  /** Who sent it, for broadcasts: the admin's username. */
  from: z.string().optional(),
  at: z.string(),
  scope: z.enum(['broadcast', 'user']),
  /** The job a user notice is about. */
  jobId: z.string().optional(),
});
export type Notice = z.infer<typeof Notice>;

export const BroadcastNoticeInput = z.object({
  message: storable(
    z
      .string({ message: 'message must be text' })
      .trim()
      .min(1, { message: 'message must not be empty' })
      .max(NOTICE_MAX_LENGTH, { message: `message must be at most ${NOTICE_MAX_LENGTH} characters` }),
  ),
  level: NoticeLevel.default('info'),
});
export type BroadcastNoticeInput = z.infer<typeof BroadcastNoticeInput>;
