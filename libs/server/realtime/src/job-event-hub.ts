import { EventEmitter } from 'node:events';
import type postgres from 'postgres';
import type { Logger } from 'pino';
import type { JobEvent } from '@storyline/contracts';
import { JOB_EVENTS_CHANNEL, type JobNotification } from '@storyline/jobs';

/** Emitted to every subscriber after the LISTEN connection was re-established: check for gaps. */
export const RESYNC = Symbol('resync');

export interface JobEventHub {
  /** Emits each job's events under the job id, and RESYNC after a reconnect. */
  readonly events: EventEmitter;
  /** Events received from Postgres since start, for metrics and tests. */
  readonly received: () => number;
  /** Current subscriptions, summed over all jobs. */
  readonly listenerCount: () => number;
  close(): Promise<void>;
}

/**
 * One LISTEN per API process: every notification is parsed once here and handed to
 * the streams watching that job, however many there are.
 */
export async function createJobEventHub(
  sql: postgres.Sql,
  log: Logger,
  readEvent: (jobId: string, seq: number) => Promise<JobEvent | null>,
): Promise<JobEventHub> {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let received = 0;
  let listens = 0;
  const dispatch = async (payload: string) => {
    received += 1;
    try {
      const notification = JSON.parse(payload) as JobNotification;
      const event = 'event' in notification ? notification.event : await readEvent(notification.pointer.jobId, notification.pointer.seq);
      if (event) events.emit(event.jobId, event);
    } catch (error) {
      log.error({ err: error }, 'could not dispatch job notification');
    }
  };
  const subscription = await sql.listen(JOB_EVENTS_CHANNEL, (payload) => void dispatch(payload), () => {
    listens += 1;
    if (listens > 1) {
      log.warn('job event listener reconnected; streams resynchronise');
      for (const name of events.eventNames()) events.emit(name, RESYNC);
    }
  });
  return {
    events,
    received: () => received,
    listenerCount: () => events.eventNames().reduce((sum, name) => sum + events.listenerCount(name), 0),
    close: () => subscription.unlisten(),
  };
}
