import type { JobEvent, UserStreamMessage, WatchedJobMessage, JobTypeFlag, JobView, OpsSample } from '@storyline/contracts';
import { UserStream, userStreamDelivery, type UserStreamDelivery } from './user-stream';
import { formatLogPosition } from './log-position';
import type { LogEvent, LogItem, LogReader } from './log-reader';
import type { RoutedNotice } from './notices';
import { WatchedJobStream, watchedJobDelivery, type WatchedJobDelivery } from './watched-job-stream';
import { StreamIndex, type StreamAccount, type StreamLimitOptions, type Subscription } from './stream-index';
import { createDelivery, type StreamSink } from './stream-sink';

export interface StreamHubOptions extends StreamLimitOptions {
  /** The process's one reader of the event log; the hub is its consumer while any stream is open. */
  logReader: LogReader;
  readFlags(): Promise<JobTypeFlag[]>;
  readJob(jobId: string): Promise<JobView | null>;
  readEventsAfter(jobId: string, afterSeq: number, limit: number): Promise<JobEvent[]>;
  /** Keep-alive interval for every stream, sent from one timer. */
  pingIntervalMs: number;
  /** How often expired sessions' streams are looked for. */
  expiryCheckMs?: number;
  /** Live events one stream holds while it catches up. */
  maxPending?: number;
  replayBatch?: number;
  /** Called once per event per process with the number of streams it went to (`feed`: user streams, `job`: watched jobs, the metrics' labels). */
  onSent?(stream: 'feed' | 'job', event: JobEvent, streams: number): void;
  /** Called once per notice per process with the number of streams it went to. */
  onNotice?(streams: number): void;
  /** A stream's delivery threw; that stream is ended, the others go on. */
  onError?(error: unknown): void;
}

export interface StreamHub {
  /** Opens a `jobs.onMyJobs` stream: snapshot or replay, then live. Throws `StreamLimitError` when it may not open. */
  openUserStream(sink: StreamSink<UserStreamMessage>, options: { account: StreamAccount; after: string | null }): Promise<void>;
  /** Opens a `jobs.watch` stream for one job the account may see. Throws `StreamLimitError` when it may not open. */
  openWatchedJob(sink: StreamSink<WatchedJobMessage>, options: { account: StreamAccount; jobId: string; afterSeq: number | null }): Promise<void>;
  /** Ends every stream of a session (logout), and refuses it new ones; returns how many ended. */
  endSession(sessionKey: string, message?: string): number;
  /** The sessions holding streams now, for checking them against the database. */
  sessionKeys(): string[];
  counts(): { feed: number; job: number };
  /** Open `onMyJobs` streams of admins: the ones ops samples go to. */
  adminUserStreams(): number;
  /** Open streams of one user, over both kinds. */
  countFor(userId: string): number;
  /** Ends every stream so clients reconnect elsewhere, and stops the timers. */
  close(): void;
}

/**
 * Routes each event the log reader hands out to exactly the streams allowed to see it:
 * its owner's `onMyJobs` streams, admins' streams, and the job's `watch` streams,
 * through indexes rather than a filter every stream runs. The frame of an event is
 * encoded once and written to each of them.
 */
export function createStreamHub(options: StreamHubOptions): StreamHub {
  const { logReader } = options;
  const maxPending = options.maxPending ?? 1_000;
  const replayBatch = options.replayBatch ?? 500;
  const index = new StreamIndex(options);

  /** A throw while one stream takes an event ends that stream alone. */
  const failed = (subscription: Subscription, error: unknown) => {
    options.onError?.(error);
    subscription.sink.end({ kind: 'retry', message: 'This stream failed; reconnect to resume after your last event.' });
  };

  const routeEvent = (item: LogEvent) => {
    let userDelivery: UserStreamDelivery | undefined;
    const sharedUser = () => (userDelivery ??= userStreamDelivery(item));
    let toUserStreams = 0;
    for (const subscriptions of [index.byOwner.get(item.ownerId), index.admins]) {
      for (const subscription of subscriptions ?? []) {
        try {
          if (subscription.offer(item, sharedUser)) toUserStreams += 1;
        } catch (error) {
          failed(subscription, error);
        }
      }
    }
    let jobDelivery: WatchedJobDelivery | undefined;
    const sharedJob = () => (jobDelivery ??= watchedJobDelivery(item.event));
    let toJobs = 0;
    for (const subscription of index.byJob.get(item.event.jobId) ?? []) {
      try {
        if (subscription.offer(item.event, sharedJob)) toJobs += 1;
      } catch (error) {
        failed(subscription, error);
      }
    }
    if (toUserStreams > 0) options.onSent?.('feed', item.event, toUserStreams);
    if (toJobs > 0) options.onSent?.('job', item.event, toJobs);
  };

  /** A broadcast goes to every `onMyJobs` stream; a user's notice to that user's alone (an admin's too). */
  const routeNotice = ({ notice, userId }: RoutedNotice) => {
    const at = logReader.lastPosition();
    let delivery: UserStreamDelivery | undefined;
    const shared = () => (delivery ??= createDelivery<UserStreamMessage>(formatLogPosition(at), { kind: 'notice', notice }));
    const targets = userId === null ? index.all : [...(index.byOwner.get(userId) ?? []), ...index.admins];
    let sent = 0;
    for (const subscription of targets) {
      if (!(subscription instanceof UserStream) || (userId !== null && subscription.userId !== userId)) continue;
      try {
        if (subscription.notice(notice, shared, at)) sent += 1;
      } catch (error) {
        failed(subscription, error);
      }
    }
    options.onNotice?.(sent);
  };

  /** A sample goes to admins' live streams alone, as one frame encoded once. */
  const routeOps = (sample: OpsSample) => {
    const at = logReader.lastPosition();
    let delivery: UserStreamDelivery | undefined;
    const shared = () => (delivery ??= createDelivery<UserStreamMessage>(formatLogPosition(at), { kind: 'ops', sample }));
    for (const subscription of index.admins) {
      try {
        subscription.ops(sample, shared, at);
      } catch (error) {
        failed(subscription, error);
      }
    }
  };

  const route = (entry: LogItem) => {
    if (entry.type === 'event') return routeEvent(entry.item);
    if (entry.type === 'notice') return routeNotice(entry.notice);
    if (entry.type === 'ops') return routeOps(entry.sample);
    for (const subscription of index.all) {
      if (!(subscription instanceof UserStream)) continue;
      try {
        subscription.flags(entry.flags);
      } catch (error) {
        failed(subscription, error);
      }
    }
  };

  const register = (subscription: Subscription, account: StreamAccount, kind: 'feed' | 'job', key: string) => {
    index.add(subscription, account, kind, key);
    if (index.all.size === 1) logReader.setConsumer(route);
    subscription.sink.onClose(() => {
      if (index.all.size === 0) logReader.setConsumer(null);
    });
  };

  const endSession = (sessionKey: string, message: string) => {
    const subscriptions = index.endSession(sessionKey);
    for (const subscription of subscriptions) subscription.sink.end({ kind: 'session-ended', message });
    return subscriptions.length;
  };

  const ping = setInterval(() => {
    for (const subscription of index.all) subscription.sink.ping();
  }, options.pingIntervalMs);
  ping.unref();
  const expiry = setInterval(() => {
    for (const key of index.expired(Date.now())) endSession(key, 'Your session has expired. Please log in again.');
  }, options.expiryCheckMs ?? 1_000);
  expiry.unref();

  return {
    async openUserStream(sink, { account, after }) {
      const ownerId = account.seesAll ? null : account.userId;
      const subscription = new UserStream({ logReader, sink, ownerId, userId: account.userId, after, readFlags: options.readFlags, maxPending, replayBatch });
      register(subscription, account, 'feed', account.userId);
      // Reads of its past must not start before the log reader's cursor is current, or an event could fall between.
      await logReader.ready();
      await subscription.start();
    },
    async openWatchedJob(sink, { account, jobId, afterSeq }) {
      const subscription = new WatchedJobStream({
        sink,
        jobId,
        afterSeq,
        readJob: options.readJob,
        readEventsAfter: options.readEventsAfter,
        maxPending,
        replayBatch,
      });
      register(subscription, account, 'job', jobId);
      await logReader.ready();
      await subscription.start();
    },
    endSession: (sessionKey, message = 'You have logged out.') => endSession(sessionKey, message),
    sessionKeys: () => index.sessionKeys(),
    counts: () => index.counts(),
    adminUserStreams: () => index.admins.size,
    countFor: (userId) => index.countFor(userId),
    close() {
      clearInterval(ping);
      clearInterval(expiry);
      for (const subscription of [...index.all]) subscription.sink.end({ kind: 'shutdown' });
    },
  };
}
