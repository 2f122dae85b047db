import { signal } from '@angular/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOSAVE_DELAY_MS, DraftSaveQueue, RETRY_FIRST_DELAY_MS, RETRY_MAX_DELAY_MS, type SaveOutcome } from './draft-save-queue';

/** A queue whose sends wait until the test answers them, one by one. */
function queueWithManualSends(options: { canSave?: () => boolean } = {}) {
  const answers: ((outcome: SaveOutcome) => void)[] = [];
  const dirty = signal(true);
  const queue = new DraftSaveQueue({
    send: () => new Promise<SaveOutcome>((resolve) => answers.push(resolve)),
    dirty: () => dirty(),
    canSave: options.canSave ?? (() => true),
  });
  return { queue, answers, dirty };
}

/** Lets the promises settle without moving the fake clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('DraftSaveQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('saves a change that arrives during a save right after that save, not alongside it', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    queue.saveSoon();
    await settle();
    expect(answers).toHaveLength(1);
    answers[0]('saved');
    await settle();
    expect(answers).toHaveLength(2);
  });

  it('answers false at once to a second save while one is under way', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    await expect(queue.save()).resolves.toBe(false);
    expect(answers).toHaveLength(1);
  });

  it('does not save while the story is loading', async () => {
    const { queue, answers } = queueWithManualSends({ canSave: () => false });
    await expect(queue.save()).resolves.toBe(false);
    expect(answers).toHaveLength(0);
  });

  it('lets a job wait for the save under way, then saves what is still unsaved', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    const ready = queue.saveIfDirty();
    await settle();
    expect(answers).toHaveLength(1);
    answers[0]('saved');
    await settle();
    expect(answers).toHaveLength(2);
    answers[1]('saved');
    await expect(ready).resolves.toBe(true);
  });

  it('tells a waiting job that the save under way failed, without saving again', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    const ready = queue.saveIfDirty();
    answers[0]('refused');
    await expect(ready).resolves.toBe(false);
    expect(answers).toHaveLength(1);
  });

  it('says Saved only once a save went through since the story loaded', async () => {
    const { queue, answers, dirty } = queueWithManualSends();
    dirty.set(false);
    expect(queue.status()).toBe('');
    void queue.save();
    expect(queue.status()).toBe('Saving…');
    answers[0]('saved');
    await settle();
    expect(queue.status()).toBe('Saved');
    dirty.set(true);
    expect(queue.status()).toBe('Unsaved changes');
    queue.clear();
    dirty.set(false);
    expect(queue.status()).toBe('');
  });

  describe('autosave', () => {
    it('saves once typing has paused for the autosave delay, not at every keystroke', async () => {
      const { queue, answers } = queueWithManualSends();
      for (let key = 0; key < 5; key += 1) {
        queue.changed();
        await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS - 1);
      }
      expect(answers).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(answers).toHaveLength(1);
    });

    it('does not save a change that was saved another way before the delay ran out', async () => {
      const { queue, answers, dirty } = queueWithManualSends();
      queue.changed();
      dirty.set(false);
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS);
      expect(answers).toHaveLength(0);
    });

    it('queues the save of text typed during a save, so no keystroke is lost', async () => {
      const { queue, answers } = queueWithManualSends();
      void queue.save();
      queue.changed();
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS);
      expect(answers).toHaveLength(1);
      answers[0]('saved');
      await settle();
      expect(answers).toHaveLength(2);
    });

    it('forgets a scheduled autosave when another story loads', async () => {
      const { queue, answers } = queueWithManualSends();
      queue.changed();
      queue.clear();
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS);
      expect(answers).toHaveLength(0);
    });
  });

  describe('when the network drops a save', () => {
    it('says it is offline and will retry, then clears once a retry goes through', async () => {
      const { queue, answers, dirty } = queueWithManualSends();
      void queue.save();
      answers[0]('offline');
      await settle();
      expect(queue.status()).toBe('Offline — will retry');
      await vi.advanceTimersByTimeAsync(RETRY_FIRST_DELAY_MS);
      expect(answers).toHaveLength(2);
      dirty.set(false);
      answers[1]('saved');
      await settle();
      expect(queue.offline()).toBe(false);
      expect(queue.status()).toBe('Saved');
    });

    it('waits twice as long before each further retry, up to the longest wait', async () => {
      const { queue, answers } = queueWithManualSends();
      void queue.save();
      const waits: number[] = [];
      for (let attempt = 0; attempt < 7; attempt += 1) {
        answers[attempt]('offline');
        await settle();
        let waited = 0;
        while (answers.length === attempt + 1) {
          await vi.advanceTimersByTimeAsync(1_000);
          waited += 1_000;
        }
        waits.push(waited);
      }
      expect(waits).toEqual([2_000, 4_000, 8_000, 16_000, RETRY_MAX_DELAY_MS, RETRY_MAX_DELAY_MS, RETRY_MAX_DELAY_MS]);
    });

    it('retries at once when the browser is back online', async () => {
      const { queue, answers } = queueWithManualSends();
      void queue.save();
      answers[0]('offline');
      await settle();
      queue.retryNow();
      expect(answers).toHaveLength(2);
    });

    it('starts the waits over after a save goes through', async () => {
      const { queue, answers } = queueWithManualSends();
      void queue.save();
      answers[0]('offline');
      await vi.advanceTimersByTimeAsync(RETRY_FIRST_DELAY_MS);
      answers[1]('offline');
      await settle();
      queue.retryNow();
      answers[2]('saved');
      await settle();
      void queue.save();
      answers[3]('offline');
      await vi.advanceTimersByTimeAsync(RETRY_FIRST_DELAY_MS);
      expect(answers).toHaveLength(5);
    });

    it('lets the retry carry what is typed offline instead of autosaving beside it', async () => {
      const { queue, answers } = queueWithManualSends();
      void queue.save();
      answers[0]('offline');
      await settle();
      queue.changed();
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS);
      expect(answers).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(RETRY_FIRST_DELAY_MS - AUTOSAVE_DELAY_MS);
      expect(answers).toHaveLength(2);
    });
  });

  it('does not save again after a save under way when nothing changed since', async () => {
    const { queue, answers, dirty } = queueWithManualSends();
    void queue.save();
    queue.saveSoon();
    dirty.set(false);
    answers[0]('saved');
    await settle();
    expect(answers).toHaveLength(1);
  });

  it('gives what is unsaved one last save when the page goes, and no retry after it', async () => {
    const { queue, answers } = queueWithManualSends();
    queue.changed();
    queue.close();
    expect(answers).toHaveLength(1);
    answers[0]('offline');
    await vi.advanceTimersByTimeAsync(RETRY_MAX_DELAY_MS * 2);
    expect(answers).toHaveLength(1);
  });

  it('saves what was typed during a save under way when the page goes', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    queue.close();
    answers[0]('saved');
    await settle();
    expect(answers).toHaveLength(2);
  });

  it('does not retry a save the server refused, and shows the changes as unsaved', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    answers[0]('refused');
    await vi.advanceTimersByTimeAsync(RETRY_MAX_DELAY_MS * 2);
    expect(answers).toHaveLength(1);
    expect(queue.status()).toBe('Unsaved changes');
    queue.retryNow();
    expect(answers).toHaveLength(1);
  });

  it('counts changes and a save under way as unsaved work, but not while the story loads', async () => {
    const loaded = signal(true);
    const { queue, answers, dirty } = queueWithManualSends({ canSave: () => loaded() });
    dirty.set(false);
    expect(queue.unsaved()).toBe(false);
    void queue.save();
    expect(queue.unsaved()).toBe(true);
    answers[0]('saved');
    await settle();
    expect(queue.unsaved()).toBe(false);
    dirty.set(true);
    expect(queue.unsaved()).toBe(true);
    loaded.set(false);
    expect(queue.unsaved()).toBe(false);
  });

  describe('with a conflict open', () => {
    it('sends nothing — no autosave, no queued save, no Ctrl/Cmd+S — and still counts the draft as unsaved, until the author chooses', async () => {
      const { queue, answers } = queueWithManualSends();
      void queue.save();
      queue.saveSoon();
      await settle();
      answers[0]('conflict');
      await settle();
      expect(queue.conflicted()).toBe(true);
      expect(queue.status()).toBe('Changed elsewhere — choose a version');
      queue.changed();
      queue.saveSoon();
      await vi.advanceTimersByTimeAsync(RETRY_MAX_DELAY_MS);
      await expect(queue.saveIfDirty()).resolves.toBe(false);
      expect(answers).toHaveLength(1);
      expect(queue.unsaved()).toBe(true);

      queue.resolve();
      queue.saveSoon();
      await settle();
      expect(answers).toHaveLength(2);
    });
  });
});
