import { computed, signal } from '@angular/core';

export interface DraftSaveQueueOptions {
  /** Sends the draft; answers whether the server took it (on failure it shows why). */
  send: () => Promise<boolean>;
  /** Whether the form holds anything the server does not. */
  dirty: () => boolean;
  /** Whether saving makes sense now: while another story loads, the form still holds the previous one. */
  canSave: () => boolean;
}

/**
 * Saves a story's draft one save at a time. An image change that arrives while a save is
 * under way is saved right after it (autosave), and a job that reads the draft can wait
 * for the save under way, so it sees what the user sees.
 */
export class DraftSaveQueue {
  readonly saving = signal(false);
  /** Whether a save went through since the story loaded: only then does the status say "Saved". */
  readonly savedOnce = signal(false);
  /** Beside the buttons: "Saving…", "Unsaved changes", "Saved", or nothing before the first save. */
  readonly status = computed(() => {
    if (this.saving()) return 'Saving…';
    if (this.options.dirty()) return 'Unsaved changes';
    return this.savedOnce() ? 'Saved' : '';
  });
  /** A change arrived while a save was under way: save again once it is done. */
  private queued = false;
  /** The save under way, so a job that reads the draft can wait for it. */
  private pending: Promise<boolean> | null = null;

  constructor(private readonly options: DraftSaveQueueOptions) {}

  /** Another story is loading: nothing queued or saved for the previous one counts any more. */
  clear(): void {
    this.savedOnce.set(false);
    this.queued = false;
  }

  /** Saves now; answers false at once when a save is already under way or saving makes no sense yet. */
  save(): Promise<boolean> {
    if (this.saving() || !this.options.canSave()) return Promise.resolve(false);
    this.saving.set(true);
    const saving = this.send().finally(() => {
      if (this.pending === saving) this.pending = null;
      if (this.queued) {
        this.queued = false;
        void this.save();
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

  /**
   * Saves when there is something to save, after any save under way (an image just
   * uploaded), so a job that reads the draft sees what the user sees.
   */
  readonly saveIfDirty = async (): Promise<boolean> => {
    while (this.pending) if (!(await this.pending)) return false;
    return this.options.dirty() ? this.save() : true;
  };

  private async send(): Promise<boolean> {
    try {
      const sent = await this.options.send();
      if (sent) this.savedOnce.set(true);
      return sent;
    } finally {
      this.saving.set(false);
    }
  }
}
