import type { UserStreamMessage } from '@storyline/contracts';
import type { UserStreamState } from './connect-user-stream';
import type { TabRole } from './share-user-stream';

/** How many applied events a tab remembers for diagnostics; older ones are dropped first. */
const KEPT_EVENTS = 1_000;

/** One job event as this tab applied it. */
export interface AppliedEvent {
  jobId: string;
  seq: number;
  kind: string;
  position: string;
}

/** What `storylineStream()` answers in a tab's console. */
export interface StreamReport {
  role: TabRole | null;
  state: UserStreamState | null;
  position: string | null;
  /** The last {@link KEPT_EVENTS} job events this tab applied, oldest first. */
  events: AppliedEvent[];
}

/**
 * How the user stream stands in this tab, for whoever debugs a tab from its console:
 * `storylineStream()` tells whether the tab leads or follows, the connection state,
 * its position in the event log and the job events it applied, in order. Support asks
 * users for it, and the end-to-end tests read it to check each tab applied every event
 * once and in order.
 */
export class StreamDiagnostics {
  private current: StreamReport = { role: null, state: null, position: null, events: [] };

  constructor() {
    (globalThis as { storylineStream?: () => StreamReport }).storylineStream = () => ({ ...this.current, events: [...this.current.events] });
  }

  role(role: TabRole): void {
    this.current.role = role;
  }

  state(state: UserStreamState): void {
    this.current.state = state;
  }

  took(message: UserStreamMessage, position: string): void {
    this.current.position = position;
    if (message.kind !== 'event') return;
    const { jobId, seq, kind } = message.event;
    const events = this.current.events;
    events.push({ jobId, seq, kind, position });
    if (events.length > KEPT_EVENTS) events.splice(0, events.length - KEPT_EVENTS);
  }

  /** Forgets everything, as the user logs out. */
  clear(): void {
    this.current = { role: null, state: null, position: null, events: [] };
  }
}
