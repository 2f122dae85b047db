import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { deletedAt, deletedIndex } from './deleted-at';
import type { JobFailure, JobStatus, JobType, MediaContentType, MediaState, NoticeLevel, StoryPageInput, Transport, UserRole } from '@storyline/contracts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').$type<UserRole>().notNull().default('user'),
  createdAt: createdAt(),
});

/** A login; the cookie holds a random token, the table only its SHA-256. */
export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const stories = pgTable(
  'stories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    pages: jsonb('pages').$type<StoryPageInput[]>().notNull().default([]),
    publishedVersion: integer('published_version'),
    /** The published version this draft was opened from by a `story-version` job, if any. */
    baseVersion: integer('base_version'),
    /** The story this one was forked from, and its title then (no foreign key: the source may go). */
    forkedFromId: uuid('forked_from_id'),
    forkedFromTitle: text('forked_from_title'),
    /** Counts every change to the draft (a save, a version opened as the draft); a save names the revision it was based on, so one made over a newer revision is refused, never silently overwriting it. */
    revision: integer('revision').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deletedAt: deletedAt(),
  },
  (t) => [index('stories_owner_idx').on(t.ownerId), deletedIndex('stories_deleted_idx', t.deletedAt)],
);

/** Immutable published snapshots of a story's draft. */
export const storyVersions = pgTable(
  'story_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    storyId: uuid('story_id')
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    pages: jsonb('pages').$type<StoryPageInput[]>().notNull(),
    jobId: uuid('job_id'),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('story_versions_story_version_uq').on(t.storyId, t.version)],
);

export const jobs = pgTable(
  'jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    type: text('type').$type<JobType>().notNull(),
    targetId: uuid('target_id').notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    status: text('status').$type<JobStatus>().notNull().default('Queued'),
    phase: text('phase'),
    progress: integer('progress').notNull().default(0),
    message: text('message'),
    dequeueCount: integer('dequeue_count').notNull().default(0),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    /** How a failed job failed: whether a retry can succeed, and what can cure it otherwise. Null on other statuses (and on jobs failed before it existed: those count as retryable). */
    failure: jsonb('failure').$type<JobFailure>(),
    /** Sequence of the newest event; the row lock on this counter orders a job's events. */
    lastSeq: integer('last_seq').notNull().default(0),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    completedAt: timestamp('completed_at', { withTimezone: true }),
    /** How often the sweeper put the job's message back on its queue. */
    requeues: integer('requeues').notNull().default(0),
    /** When a worker last touched the job; the sweeper finds stale work by it. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
    /** The job that queued this one as its next step (a fork queues its assets job). */
    parentJobId: uuid('parent_job_id'),
    /** The new job a retry of this failed one started; set once, so a second retry finds it. */
    retriedAs: uuid('retried_as'),
  },
  (t) => [
    index('jobs_owner_idx').on(t.ownerId, t.queuedAt),
    index('jobs_target_idx').on(t.type, t.targetId, t.status),
    index('jobs_open_idx')
      .on(t.status, t.heartbeatAt)
      .where(sql`status in ('Queued', 'Running')`),
  ],
);

/** The append-only log of every change of every job. */
export const jobEvents = pgTable(
  'job_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobId: uuid('job_id')
      .notNull()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: text('kind').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    /**
     * The event's place in the event log, in commit order: given as its transaction commits,
     * under one lock (migration 0009's trigger), so no event can ever become visible
     * below a position a reader has passed. Null only inside the writing transaction.
     */
    position: bigint('position', { mode: 'number' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('job_events_job_seq_uq').on(t.jobId, t.seq), uniqueIndex('job_events_position_uq').on(t.position)],
);

export const jobTypeFlags = pgTable('job_type_flags', {
  jobType: text('job_type').$type<JobType>().primaryKey(),
  transport: text('transport').$type<Transport>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by').references(() => users.id),
});

/**
 * Notices sent to people with an open editor: an admin's broadcast (`user_id` null) or
 * one for a single user. The NOTIFY that announces one carries only its id; streams
 * read the row, so a long message never meets the payload limit.
 */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    level: text('level').$type<NoticeLevel>().notNull(),
    message: text('message').notNull(),
    /** The one user it is for; null for a broadcast. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    sentBy: uuid('sent_by').references(() => users.id, { onDelete: 'set null' }),
    jobId: uuid('job_id'),
    createdAt: createdAt(),
  },
  (table) => [index('notices_created_at_idx').on(table.createdAt)],
);

/**
 * Recent failed logins (and attempts still being checked) per key: `pair:<username>@<ip>`,
 * `account:<username>`, `address:<ip>` or `device:<device>:<username>` (the login
 * throttle says which attempt counts where). In the database so every API process
 * throttles the same count. A row outlives its window only while its lock lasts; dead
 * rows are deleted as new failures arrive.
 */
export const loginFailures = pgTable('login_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/**
 * An image of a story. Its bytes live in blob storage under `blob_name` in the media
 * container; `copying` marks a fork's image whose bytes the assets job has not yet copied.
 */
export const media = pgTable(
  'media',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    storyId: uuid('story_id')
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    blobName: text('blob_name').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').$type<MediaContentType>().notNull(),
    byteSize: integer('byte_size').notNull(),
    state: text('state').$type<MediaState>().notNull().default('ready'),
    /** For a fork's copy: the blob it copies from. */
    sourceBlobName: text('source_blob_name'),
    createdAt: createdAt(),
    /**
     * When a save took the image off its last page. It stays stored through the undo
     * window (a save naming it again clears this), then the worker purges it.
     */
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [index('media_story_idx').on(t.storyId, t.createdAt), index('media_released_idx').on(t.releasedAt).where(sql`released_at is not null`)],
);

/**
 * A file a job produced (an export ZIP, a PDF), one per job: a redelivered job
 * overwrites the same blob and row. Retention deletes the blob after `expires_at`
 * and stamps `deleted_at`, so a late download gets a clear answer.
 */
export const artifacts = pgTable(
  'artifacts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    jobId: uuid('job_id')
      .notNull()
      .unique()
      .references(() => jobs.id, { onDelete: 'cascade' }),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    blobName: text('blob_name').notNull(),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    byteSize: bigint('byte_size', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('artifacts_expiry_idx').on(t.expiresAt).where(sql`deleted_at is null`)],
);

/** An uploaded story ZIP waiting for (or kept for a retry of) its import job. */
export const uploads = pgTable(
  'uploads',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    blobName: text('blob_name').notNull(),
    fileName: text('file_name').notNull(),
    byteSize: bigint('byte_size', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [index('uploads_expiry_idx').on(t.expiresAt).where(sql`deleted_at is null`)],
);

export * from './world-schema';

/**
 * Browsers that logged in to an account before: the hash of the `storyline_device`
 * cookie a browser got at a successful login, per user. A known browser's failed
 * logins count only against itself, so nobody else's guessing can lock it out.
 * At most 20 per user are kept (the least recently used go).
 */
export const loginDevices = pgTable(
  'login_devices',
  {
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tokenHash, t.userId] }), index('login_devices_user_idx').on(t.userId, t.lastLoginAt)],
);
