import { DestroyRef, inject } from '@angular/core';

/** The channel on which a browser's tabs tell each other of the drafts they saved. */
const DRAFT_NEWS_CHANNEL = 'storyline-draft-saves';

/** What a tab says after each save: which draft (`story:<id>`, `epic:<id>`, …) and its new revision. */
interface DraftSavedNews {
  key: string;
  revision: number;
}

function isDraftSavedNews(data: unknown): data is DraftSavedNews {
  const news = data as Partial<DraftSavedNews> | null;
  return typeof news?.key === 'string' && typeof news.revision === 'number';
}

/**
 * Connects a draft editor to the browser's other tabs while the calling component lives: it
 * answers a function that tells them of each revision this tab saved, and `onSaved` hears
 * theirs for the draft named `key()`, so a tab with nothing unsaved shows the newer draft at
 * once instead of meeting a conflict later. Nothing happens in a browser without
 * BroadcastChannel: such a tab still learns of a newer draft when it comes back into view, or
 * from its next save. Call in an injection context.
 */
export function connectDraftNews(key: () => string, onSaved: (revision: number) => void): (revision: number) => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(DRAFT_NEWS_CHANNEL);
  channel.onmessage = ({ data }: MessageEvent<unknown>) => {
    if (isDraftSavedNews(data) && data.key === key()) onSaved(data.revision);
  };
  inject(DestroyRef).onDestroy(() => channel.close());
  return (revision) => channel.postMessage({ key: key(), revision } satisfies DraftSavedNews);
}
