import * as z from 'zod';

/** The largest job sequence number (an `integer` column). */
export const MAX_JOB_SEQ = 2_147_483_647;

/**
 * A place in the event log, a whole number in commit order (say `4711`): what
 * `jobs.onMyJobs` sends as its event ids and takes back as `lastEventId`. Range-checked
 * here, so a made-up value is refused with a message instead of reaching SQL. An id of
 * the older `transaction-id` form is refused too; the client then starts afresh from a
 * snapshot, which loses nothing.
 */
export const LogPositionText = z
  .string()
  .refine(
    (value) => /^\d{1,16}$/.test(value) && Number(value) <= Number.MAX_SAFE_INTEGER,
    'lastEventId must be a log position such as 4711, as the stream sent it',
  );
export type LogPositionText = z.infer<typeof LogPositionText>;

/** A job's event sequence number as text: what `jobs.watch` sends as event ids. */
export const JobSeqText = z.string().refine(
  (value) => /^\d{1,10}$/.test(value) && Number(value) <= MAX_JOB_SEQ,
  `lastEventId must be a sequence number from 0 to ${MAX_JOB_SEQ}`,
);

export const OnMyJobsInput = z.object({
  /** The id of the last event the client saw; the stream resumes right after it. */
  lastEventId: LogPositionText.nullish(),
});
export type OnMyJobsInput = z.infer<typeof OnMyJobsInput>;
