import { computed, signal } from '@angular/core';
import type { Notice } from '@storyline/contracts';

/** How many notices a tab keeps. */
export const NOTICES_KEPT = 20;

/**
 * The tab's recent notices, newest first and at most {@link NOTICES_KEPT}, each once
 * however often it arrives, with how many the user has not looked at yet.
 */
export class NoticeList {
  private readonly list = signal<readonly Notice[]>([]);
  private readonly unseen = signal<ReadonlySet<string>>(new Set());

  /** Newest first. */
  readonly notices = this.list.asReadonly();
  /** How many of them arrived since the list was last opened. */
  readonly unread = computed(() => this.unseen().size);

  /** Adds a notice; answers false when it is already listed (a reconnect, the recent ones read at start). */
  add(notice: Notice, { read = false } = {}): boolean {
    if (this.list().some((known) => known.id === notice.id)) return false;
    const next = [...this.list(), notice].sort(newestFirst).slice(0, NOTICES_KEPT);
    this.list.set(next);
    const kept = new Set(next.map((known) => known.id));
    const unseen = new Set([...this.unseen()].filter((id) => kept.has(id)));
    if (!read && kept.has(notice.id)) unseen.add(notice.id);
    this.unseen.set(unseen);
    return kept.has(notice.id);
  }

  /** The user opened the list: everything in it counts as read. */
  markAllRead(): void {
    if (this.unseen().size > 0) this.unseen.set(new Set());
  }

  clear(): void {
    this.list.set([]);
    this.unseen.set(new Set());
  }
}

function newestFirst(a: Notice, b: Notice): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return a.id < b.id ? 1 : -1;
}
