import type { UserStreamFrame } from './connect-user-stream';

/** What a tab does with one frame of the shared stream. */
export type FrameVerdict =
  /** Apply it: it follows what the tab has. */
  | 'take'
  /** Drop it: the tab already applied this event (a connection resumed from before it). */
  | 'skip'
  /** Drop it and ask to be brought up to date: frames between the tab's position and this one never reached it. */
  | 'gap';

/** The frames of one connection, as a tab that is not its leader knows them: the leader that holds it and its number there. */
export interface FrameSource {
  link: string;
}

/**
 * Where one tab stands in the user stream it shares with the browser's other tabs, and
 * the judge of every frame that reaches it, its own connection's as well as a leading
 * tab's. Within one connection frames arrive in order and complete, so only the first
 * frame of a new connection needs judging: it continues the tab's history when the
 * connection resumed at or before the tab's position (events the tab already has are
 * then skipped), or starts afresh with a snapshot. Anything else (the tab missed the
 * end of a connection, or the start of one) is a gap.
 */
export class StreamCursor {
  private link: string | null = null;
  private last: string | null = null;

  /** The position of the last frame applied; null before the tab has any. */
  get position(): string | null {
    return this.last;
  }

  judge(frame: UserStreamFrame & FrameSource): FrameVerdict {
    if (frame.link !== this.link) {
      const fresh = frame.after === null && frame.message.kind === 'snapshot';
      const continues = frame.after !== null && this.last !== null && comparePositions(frame.after, this.last) <= 0;
      if (!fresh && !continues) return 'gap';
      this.link = frame.link;
    }
    if (frame.message.kind === 'event' && this.last !== null && comparePositions(frame.position, this.last) <= 0) return 'skip';
    if (frame.message.kind === 'snapshot' || this.last === null || comparePositions(frame.position, this.last) > 0) this.last = frame.position;
    return 'take';
  }

  /** The tab took a leader's whole state, which stands at `position` of `link`. */
  adopt(link: string, position: string): void {
    this.link = link;
    this.last = position;
  }

  /** Forgets the connection (not the position): the next frame must prove it continues. */
  detach(): void {
    this.link = null;
  }
}

/** Orders two log positions (whole numbers as text, up to 16 digits). */
export function comparePositions(a: string, b: string): number {
  return a.length === b.length ? (a < b ? -1 : a > b ? 1 : 0) : a.length - b.length;
}
