/**
 * Every Postgres NOTIFY channel Storyline uses, in one place. A NOTIFY is only ever a
 * wake-up: what it announces is in a table, written in the same transaction, and
 * Postgres delivers the NOTIFY only when that transaction commits.
 */

/** A job event was written: payload `jobId:seq`. Wakes each API process's log reader. */
export const JOB_EVENTS_CHANNEL = 'job_events';

/**
 * A job type's queue just got (or is about to get) a message: payload the job type.
 * Wakes idle workers; the queue message stays the delivery.
 */
export const JOB_WAKE_CHANNEL = 'job_wake';

/** A job type's transport flag changed: payload the job type. Every API process reloads its flags. */
export const JOB_FLAGS_CHANNEL = 'job_flags';

/** A running job was cancelled: payload the job id. The worker running it aborts its handler; the others ignore it. */
export const JOB_CANCEL_CHANNEL = 'job_cancel';

/** A notice was stored: payload its id. Every API process's log reader reads it and routes it. */
export const NOTICES_CHANNEL = 'notices';

/** One API process's ops sample, whole (it must fit the 8000-byte NOTIFY limit), for every API process. */
export const OPS_SAMPLE_CHANNEL = 'ops_sample';

/** A session ended (logged out): payload its key (the token hash). Every API process ends that session's streams. */
export const SESSION_ENDED_CHANNEL = 'session_ended';
