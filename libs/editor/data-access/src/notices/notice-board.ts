import { computed, effect, inject, Injectable, untracked } from '@angular/core';
import { merge, Observable, Subject, type Subscription } from 'rxjs';
import type { BroadcastNoticeInput, Notice } from '@storyline/contracts';
import { injectTrpc } from '../api/provide-trpc';
import { AuthStore } from '../auth/auth-store';
import type { JobEndMessage } from '../following/job-end-wording';
import { JobsOnScreen } from '../following/jobs-on-screen';
import { UserStream } from '../user-stream/user-stream';
import { noticeForEndedJob } from './job-ended-notice';
import { NoticeList } from './notice-list';
import { ToastBudget } from './toast-budget';

/**
 * A toast for the shell to show: a notice as it arrives (`listed`: it is in the Notices
 * list too), or what a page said of a job it followed to its end (only a toast).
 */
export interface Arrival extends JobEndMessage {
  listed: boolean;
}

/**
 * The tab's notices: an admin's broadcasts and the user's own, from the user stream,
 * and the end of each job of the user's that no page speaks for ({@link JobsOnScreen}).
 * Keeps the recent ones for the header's list, and hands each new one to whoever
 * shows toasts, as it does what a page says of its job's end ({@link say}).
 * On login the recent ones are read once, listed without a toast.
 */
@Injectable({ providedIn: 'root' })
export class NoticeBoard {
  private readonly trpc = injectTrpc();
  private readonly auth = inject(AuthStore);
  private readonly stream = inject(UserStream);
  private readonly onScreen = inject(JobsOnScreen);
  private readonly list = new NoticeList();
  private readonly arrived = new Subject<Arrival>();
  /** Jobs ending in a burst (fifty exports at once) must not bury the page in toasts. */
  private readonly jobToasts = new ToastBudget();
  private listening: Subscription | null = null;
  private userId: string | null = null;

  /** Newest first, at most 20. */
  readonly notices = this.list.notices;
  /** How many arrived since the list was last opened. */
  readonly unread = this.list.unread;
  /**
   * Each notice as it arrives, once, for a toast. An admin's always; of a burst of ended
   * jobs the first few, then one that points to the list, which holds them all.
   * And, as it is said, each page's word on a job it followed to its end.
   */
  readonly arrivals$: Observable<Arrival> = this.arrived.asObservable();

  constructor() {
    const userId = computed(() => this.auth.user()?.id ?? null);
    effect(() => {
      const id = userId();
      untracked(() => this.openFor(id));
    });
  }

  /**
   * A page followed this job to its end and says `message` of it (null: nothing), once
   * and at once; the job's end on the user stream is then no notice of its own.
   */
  say(jobId: string, message: JobEndMessage | null): void {
    this.onScreen.spokeOf(jobId);
    if (message) this.arrived.next({ ...message, listed: false });
  }

  /** The user looked at the list. */
  markAllRead(): void {
    this.list.markAllRead();
  }

  /** Sends a notice to everyone with an open editor (admins only); rejects with the server's reason. */
  async broadcast(input: BroadcastNoticeInput): Promise<Notice> {
    return this.trpc.notices.broadcast.mutate(input);
  }

  private toast(notice: Notice): void {
    this.arrived.next({ level: notice.level, text: notice.message, listed: true });
  }

  private openFor(userId: string | null): void {
    if (userId === this.userId) return;
    this.listening?.unsubscribe();
    this.listening = null;
    this.userId = userId;
    this.list.clear();
    if (!userId) return;
    const endedJobs = new Observable<Notice>((subscriber) =>
      this.stream.ended$.subscribe((job) => {
        const notice = noticeForEndedJob(job, { userId, speaksFor: (jobId) => this.onScreen.speaksFor(jobId) });
        if (notice) subscriber.next(notice);
      }),
    );
    this.listening = merge(this.stream.notices$, endedJobs).subscribe((notice) => {
      if (!this.list.add(notice)) return;
      if (notice.scope === 'broadcast') return this.toast(notice);
      const decision = this.jobToasts.take();
      if (decision === 'show') this.toast(notice);
      else if (decision === 'summarise') this.toast({ ...notice, message: 'More jobs ended; see Notices' });
    });
    this.trpc.notices.recent.query().then(
      (recent) => {
        if (this.userId !== userId) return;
        for (const notice of recent) this.list.add(notice, { read: true });
      },
      // Only the list of earlier notices is missing; new ones still arrive.
      () => undefined,
    );
  }
}
