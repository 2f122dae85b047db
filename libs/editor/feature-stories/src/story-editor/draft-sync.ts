import { computed, signal } from '@angular/core';
import { isTRPCClientError } from '@trpc/client';
import { errorMessage } from '@storyline/editor/data-access';
import { connectDraftNews } from './draft-news';
import { connectDraftSaves } from './connect-draft-saves';
import { DraftConflict, type DraftField } from './draft-conflict';
import { DraftSaveQueue, type SaveOutcome } from './draft-save-queue';
import { isNetworkFailure } from './is-network-failure';

/** What the server answers for a draft: its revision (counting every change) and when it was last saved. */
export interface RevisedDraft {
  revision: number;
  updatedAt: string;
}

export interface DraftSyncOptions<Detail extends RevisedDraft, Content> {
  /** Names the draft among the browser's tabs, e.g. `story:<id>`. */
  key: () => string;
  /** What the form holds now, to send. */
  content: () => Content;
  /** Whether the form holds anything the server does not. */
  dirty: () => boolean;
  /** Whether saving makes sense now (the draft is on screen). */
  canSave: () => boolean;
  /** Sends `content`, based on `revision`; answers what the server now holds. */
  save: (content: Content, revision: number) => Promise<Detail>;
  /** Reads what the server holds now. */
  read: () => Promise<Detail>;
  /** The server saved `content` (answering `saved`): later edits count against `content`. */
  saved: (content: Content, saved: Detail) => void;
  /** Shows what the server holds, in place of what the form held. */
  show: (detail: Detail) => void;
  /** Whether the server's `detail` already holds `content` (then there is no conflict to show). */
  holds: (detail: Detail, content: Content) => boolean;
  /** The server's `detail` as the form would hold it. */
  contentOf: (detail: Detail) => Content;
  /** A version's labelled texts, for the conflict panel. */
  fields: (content: Content) => DraftField[];
}

/**
 * Keeps an editor's draft in step with the server and with the browser's other tabs: it
 * saves by itself ({@link DraftSaveQueue}, connected to the browser by
 * {@link connectDraftSaves}), bases every save on the revision the last one answered, turns
 * a save over a newer revision into a {@link DraftConflict} the author settles (autosave
 * waits meanwhile), and, while the form holds nothing unsaved, quietly shows a newer draft
 * saved elsewhere: when another tab says it saved one, and when this tab comes back into view.
 * Create it in an injection context (a field initializer).
 */
export class DraftSync<Detail extends RevisedDraft, Content> {
  readonly saves: DraftSaveQueue;
  readonly conflict = new DraftConflict<Detail>();
  /** Why the server refused the last save, shown by the form. */
  readonly error = signal<string | null>(null);
  /** The author's version as the form holds it, labelled for the conflict panel. */
  readonly mine = computed(() => this.options.fields(this.options.content()));
  /** The revision the next save is based on: the one the server last showed or answered. */
  private revision = 0;
  /**
   * What this tab last sent without hearing back (the network failed on the way): the server
   * may have saved it all the same, and a later save then meets this tab's own revision.
   */
  private unanswered: Content | null = null;
  private readonly announce: (revision: number) => void;

  constructor(private readonly options: DraftSyncOptions<Detail, Content>) {
    this.saves = new DraftSaveQueue({ send: () => this.send(), dirty: options.dirty, canSave: options.canSave });
    connectDraftSaves(this.saves, options.content, () => void this.catchUp());
    this.announce = connectDraftNews(options.key, (revision) => {
      if (revision > this.revision) void this.catchUp();
    });
  }

  /** Shows `detail` (just loaded) and bases the next save on it; nothing of a previous draft applies any more. */
  show(detail: Detail): void {
    this.saves.clear();
    this.conflict.clear();
    this.error.set(null);
    this.unanswered = null;
    this.revision = detail.revision;
    this.options.show(detail);
  }

  /** Before the router leaves: saves what is unsaved, and asks only when that fails (an open conflict counts as failing). */
  async canLeave(): Promise<boolean> {
    if (!this.saves.unsaved() || (await this.saves.saveIfDirty())) return true;
    return window.confirm('Your latest changes could not be saved yet. Leave this page and lose them?');
  }

  /** "Keep mine": the author's version is saved over the newer one, whose texts stay to copy. */
  keepMine(): void {
    const saved = this.conflict.keepMine(this.mine());
    if (!saved) return;
    this.revision = saved.revision;
    this.saves.resolve();
    // Even when the form now matches what it last saved: the author chose it over the newer version.
    this.saves.saveSoon();
  }

  /** "Take the saved one": the form shows it; the author's texts stay to copy. */
  takeSaved(): void {
    const saved = this.conflict.takeSaved(this.mine());
    if (!saved) return;
    this.revision = saved.revision;
    this.options.show(saved);
    this.saves.resolve();
  }

  /** Shows a newer draft saved elsewhere, when the form holds nothing it would replace; otherwise the next save meets it as a conflict. */
  async catchUp(): Promise<void> {
    if (!this.idle()) return;
    try {
      const latest = await this.options.read();
      if (latest.revision > this.revision && this.idle()) {
        this.revision = latest.revision;
        this.options.show(latest);
      }
    } catch {
      // Nothing changes; the next save or return tries again.
    }
  }

  private idle(): boolean {
    return this.options.canSave() && !this.options.dirty() && !this.saves.saving() && !this.saves.conflicted();
  }

  /** Sends the form's content for {@link saves}; a refusal's reason shows in {@link error}, a network failure in the save status. */
  private async send(): Promise<SaveOutcome> {
    const content = this.options.content();
    this.error.set(null);
    try {
      this.accept(content, await this.options.save(content, this.revision));
      return 'saved';
    } catch (error) {
      if (isNetworkFailure(error)) {
        this.unanswered = content;
        return 'offline';
      }
      if (isTRPCClientError(error) && error.data?.code === 'CONFLICT') return this.meetConflict(content);
      this.error.set(errorMessage(error));
      return 'refused';
    }
  }

  /** The draft moved on elsewhere: when it already holds what was sent, that is a save; otherwise the author chooses. */
  private async meetConflict(content: Content): Promise<SaveOutcome> {
    let latest: Detail;
    try {
      latest = await this.options.read();
    } catch (error) {
      if (isNetworkFailure(error)) return 'offline';
      this.error.set(errorMessage(error));
      return 'refused';
    }
    if (this.options.holds(latest, content)) {
      this.accept(content, latest);
      return 'saved';
    }
    const unanswered = this.unanswered;
    if (unanswered && this.options.holds(latest, unanswered)) {
      // This tab's own save landed though its answer was lost: save the newer edits over it.
      this.accept(unanswered, latest);
      return this.send();
    }
    this.conflict.open({ draft: latest, fields: this.options.fields(this.options.contentOf(latest)), savedAt: latest.updatedAt });
    return 'conflict';
  }

  private accept(content: Content, saved: Detail): void {
    this.unanswered = null;
    this.revision = saved.revision;
    this.options.saved(content, saved);
    this.announce(saved.revision);
  }
}
