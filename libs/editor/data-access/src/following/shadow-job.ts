import { Observable } from 'rxjs';
import { isTerminalStatus, type JobView } from '@storyline/contracts';

/** How push and polling compared for one job, as `shadow.report` takes it. */
export interface ShadowOutcome {
  /** How much later polling saw the job end than push did; negative when polling was first. */
  pollingLagMs: number;
  /** Whether both ended in the same status, result and error. */
  agreed: boolean;
  detail?: string;
}

/** The widest lag the API accepts: an hour either way. */
const MAX_LAG_MS = 3_600_000;
/** The API keeps at most this much of a disagreement's description. */
const MAX_DETAIL_LENGTH = 500;

interface Ending {
  at: number;
  job: JobView | null;
  failure?: unknown;
}

/**
 * Follows a job both ways at once, for the shadow transport: emits what push sees
 * (that is what the user is shown) and polls on the side. Once both have seen the
 * job end, or polling gave up, `report` is called once with the comparison and the
 * observable completes. Unsubscribing earlier stops both and reports nothing: a
 * comparison needs both endings.
 */
export function shadowJob<T extends JobView>(
  push$: Observable<T>,
  poll$: Observable<JobView>,
  report: (outcome: ShadowOutcome) => void,
  now: () => number = Date.now,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    let pushed: Ending | null = null;
    let polled: Ending | null = null;
    const settle = () => {
      if (!pushed || !polled || subscriber.closed) return;
      report(compare(pushed, polled));
      subscriber.complete();
    };
    const endPolling = (ending: Ending) => {
      polled ??= ending;
      settle();
    };

    const pushing = push$.subscribe({
      next: (job) => {
        subscriber.next(job);
        if (pushed || !isTerminalStatus(job.status)) return;
        pushed = { at: now(), job };
        settle();
      },
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        // Push completes only after its terminal view; anything else leaves nothing to compare.
        if (!pushed) subscriber.complete();
      },
    });
    const polling = poll$.subscribe({
      next: (job) => {
        if (isTerminalStatus(job.status)) endPolling({ at: now(), job });
      },
      error: (failure: unknown) => endPolling({ at: now(), job: null, failure }),
      complete: () => endPolling({ at: now(), job: null, failure: new Error('polling stopped without a final status') }),
    });
    return () => {
      pushing.unsubscribe();
      polling.unsubscribe();
    };
  });
}

function compare(pushed: Ending, polled: Ending): ShadowOutcome {
  const pollingLagMs = Math.max(-MAX_LAG_MS, Math.min(MAX_LAG_MS, Math.round(polled.at - pushed.at)));
  const push = describe(pushed.job);
  if (!polled.job) {
    const reason = polled.failure instanceof Error ? polled.failure.message : String(polled.failure);
    return { pollingLagMs, agreed: false, detail: clip(`push ended ${push}; polling gave up: ${reason}`) };
  }
  const poll = describe(polled.job);
  return push === poll ? { pollingLagMs, agreed: true } : { pollingLagMs, agreed: false, detail: clip(`push ended ${push}; polling ended ${poll}`) };
}

/** A job's outcome as a string that is equal for equal outcomes, whatever order the result's keys came in. */
function describe(job: JobView | null): string {
  if (!job) return 'without a view';
  return `${job.status} ${stableJson(job.result)}${job.error ? ` (${job.error})` : ''}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function clip(text: string): string {
  return text.length <= MAX_DETAIL_LENGTH ? text : `${text.slice(0, MAX_DETAIL_LENGTH - 1)}…`;
}
