import { computed, signal } from '@angular/core';

/** How long typing must pause before the draft saves itself: long enough not to save every keystroke, short enough that a closed tab loses little. */
export const AUTOSAVE_DELAY_MS = 1_000;
/** The wait before the first retry of a save the network dropped; each further retry waits twice as long, up to {@link RETRY_MAX_DELAY_MS}. */
export const RETRY_FIRST_DELAY_MS = 2_000;
/** The longest wait between retries, so a draft saved offline goes out within this long of the network coming back, even without an `online` event. */
export const RETRY_MAX_DELAY_MS = 30_000;

/**
 * What became of one save: the server took it, the network failed on the way (retried by
 * itself), the server refused it (it said why; sending the same draft again would not help),
 * or the draft changed elsewhere since the revision the save was based on (nothing is saved
 * until the author chooses which version to keep, and {@link DraftSaveQueue.resolve}s it).
 */
export type SaveOutcome = 'saved' | 'offline' | 'refused' | 'conflict';

export interface DraftSaveQueueOptions {
  /** Sends the draft; answers how it went (on a refusal it shows the server's reason). */
  send: () => Promise<SaveOutcome>;
  /** Whether the form holds anything the server does not. */
  dirty: () => boolean;
  /** Whether saving makes sense now: while another story loads, the form still holds the previous one. */
  canSave: () => boolean;
}

/**
 * Saves a story's draft one save at a time, and by itself: {@link AUTOSAVE_DELAY_MS} after
 * typing stops, right after the save under way when a change arrives during it, and again
 * with a growing wait when the network drops a save. A job that reads the draft can wait
 * for the save under way, so it sees what the user sees.
 */
export class DraftSaveQueue {
  readonly saving = signal(false);
  /** Whether a save went through since the story loaded: only then does the status say "Saved". */
  readonly savedOnce = signal(false);
  /** The last save failed for the network; a retry is scheduled. */
  readonly offline = signal(false);
  /** The draft changed elsewhere: no save goes out until the author chooses a version. */
  readonly conflicted = signal(false);
  /** Beside the buttons: "Saving…", "Changed elsewhere — choose a version", "Offline — will retry", "Unsaved changes", "Saved", or nothing before the first save. */
  readonly status = computed(() => {
    if (this.saving()) return 'Saving…';
    if (this.conflicted()) return 'Changed elsewhere — choose a version';
    if (this.offline()) return 'Offline — will retry';
    if (this.options.dirty()) return 'Unsaved changes';
    return this.savedOnce() ? 'Saved' : '';
  });
  /** Whether leaving now would lose something: changes not saved yet, or a save not answered yet. */
  readonly unsaved = computed(() => this.options.canSave() && (this.saving() || this.options.dirty()));
  /** A change arrived while a save was under way: save again once it is done. */
  private queued = false;
  /** The save under way, so a job that reads the draft can wait for it. */
  private pending: Promise<boolean> | null = null;
  private autosaveTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = RETRY_FIRST_DELAY_MS;
  /** The page is gone: no autosave or retry is scheduled any more. */
  private closed = false;

  constructor(private readonly options: DraftSaveQueueOptions) {}

  /** Another story is loading: nothing queued, scheduled or saved for the previous one counts any more. */
  clear(): void {
    this.savedOnce.set(false);
    this.offline.set(false);
    this.conflicted.set(false);
    this.queued = false;
    this.retryDelay = RETRY_FIRST_DELAY_MS;
    clearTimeout(this.autosaveTimer);
    clearTimeout(this.retryTimer);
  }

  /** The page is going: what is still unsaved gets one last save, and nothing is scheduled after it. */
  close(): void {
    this.clear();
    this.closed = true;
    if (this.options.dirty()) this.saveSoon();
  }

  /**
   * The user changed the draft: save once typing has paused for {@link AUTOSAVE_DELAY_MS}.
   * While offline the scheduled retry sends the newest draft anyway, so its wait is kept.
   */
  changed(): void {
    clearTimeout(this.autosaveTimer);
    if (this.offline() || this.conflicted() || this.closed) return;
    this.autosaveTimer = setTimeout(() => {
      if (this.options.dirty()) this.saveSoon();
    }, AUTOSAVE_DELAY_MS);
  }

  /** Saves now; answers false at once when a save is already under way, a conflict is open, or saving makes no sense yet. */
  save(): Promise<boolean> {
    if (this.saving() || this.conflicted() || !this.options.canSave()) return Promise.resolve(false);
    clearTimeout(this.autosaveTimer);
    clearTimeout(this.retryTimer);
    this.saving.set(true);
    const saving = this.send().finally(() => {
      if (this.pending === saving) this.pending = null;
      if (this.queued) {
        this.queued = false;
        if (this.options.dirty()) void this.save();
      }
    });
    this.pending = saving;
    return saving;
  }

  /** Saves now, or right after the save under way, so no change is left unsaved. */
  saveSoon(): void {
    if (this.saving()) this.queued = true;
    else void this.save();
  }

  /** The author chose a version in a conflict: saves may go out again. */
  resolve(): void {
    this.conflicted.set(false);
  }

  /** The browser says it is online again: retry a save the network dropped without waiting out the backoff. */
  retryNow(): void {
    if (this.offline()) this.saveSoon();
  }

  /**
   * Saves when there is something to save, after any save under way (an image just
   * uploaded), so a job that reads the draft sees what the user sees.
   */
  readonly saveIfDirty = async (): Promise<boolean> => {
    while (this.pending) if (!(await this.pending)) return false;
    return this.options.dirty() ? this.save() : true;
  };

  private async send(): Promise<boolean> {
    let outcome: SaveOutcome;
    try {
      outcome = await this.options.send();
    } finally {
      this.saving.set(false);
    }
    this.offline.set(outcome === 'offline');
    this.conflicted.set(outcome === 'conflict');
    if (outcome === 'offline') this.scheduleRetry();
    else this.retryDelay = RETRY_FIRST_DELAY_MS;
    if (outcome === 'saved') this.savedOnce.set(true);
    return outcome === 'saved';
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    if (this.closed) return;
    this.retryTimer = setTimeout(() => this.saveSoon(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_DELAY_MS);
  }
}
