import { DestroyRef, effect, inject, untracked } from '@angular/core';
import type { DraftSaveQueue } from './draft-save-queue';

/**
 * Connects a draft's saves to the browser while the calling component lives: every edit
 * (whatever `edits` reads) restarts the autosave delay, Ctrl/Cmd+S saves at once, the
 * browser's `online` event retries a save the network dropped, a tab going to the background
 * saves, a tab coming back into view calls `returned` (to look for a newer draft saved
 * elsewhere meanwhile), and a reload or a closed tab with anything unsaved or still saving
 * asks first. When the component goes, what is still unsaved gets one last save. Call in an
 * injection context.
 */
export function connectDraftSaves(saves: DraftSaveQueue, edits: () => unknown, returned: () => void): void {
  effect(() => {
    edits();
    untracked(() => saves.changed());
  });
  const onKeydown = (event: KeyboardEvent) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey || event.key.toLowerCase() !== 's') return;
    // In place of the browser's "Save page as".
    event.preventDefault();
    saves.saveSoon();
  };
  const onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (!saves.unsaved()) return;
    event.preventDefault();
    saves.saveSoon();
  };
  const onOnline = () => saves.retryNow();
  // A tab in the background may be closed or discarded without a beforeunload.
  const onVisibilityChange = () => {
    if (document.visibilityState === 'visible') returned();
    else if (saves.unsaved()) saves.saveSoon();
  };
  window.addEventListener('keydown', onKeydown);
  window.addEventListener('beforeunload', onBeforeUnload);
  window.addEventListener('online', onOnline);
  window.addEventListener('focus', returned);
  document.addEventListener('visibilitychange', onVisibilityChange);
  inject(DestroyRef).onDestroy(() => {
    window.removeEventListener('keydown', onKeydown);
    window.removeEventListener('beforeunload', onBeforeUnload);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('focus', returned);
    document.removeEventListener('visibilitychange', onVisibilityChange);
    saves.close();
  });
}
