import { signal } from '@angular/core';
import { describe, expect, it } from 'vitest';
import { DraftSaveQueue } from './draft-save-queue';

/** A queue whose sends wait until the test answers them, one by one. */
function queueWithManualSends(options: { canSave?: () => boolean } = {}) {
  const answers: ((taken: boolean) => void)[] = [];
  const dirty = signal(true);
  const queue = new DraftSaveQueue({
    send: () => new Promise<boolean>((resolve) => answers.push(resolve)),
    dirty: () => dirty(),
    canSave: options.canSave ?? (() => true),
  });
  return { queue, answers, dirty };
}

const settle = () => new Promise((resolve) => setTimeout(resolve));

describe('DraftSaveQueue', () => {
  it('saves a change that arrives during a save right after that save, not alongside it', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    queue.saveSoon();
    await settle();
    expect(answers).toHaveLength(1);
    answers[0](true);
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
    answers[0](true);
    await settle();
    expect(answers).toHaveLength(2);
    answers[1](true);
    await expect(ready).resolves.toBe(true);
  });

  it('tells a waiting job that the save under way failed, without saving again', async () => {
    const { queue, answers } = queueWithManualSends();
    void queue.save();
    const ready = queue.saveIfDirty();
    answers[0](false);
    await expect(ready).resolves.toBe(false);
    expect(answers).toHaveLength(1);
  });

  it('says Saved only once a save went through since the story loaded', async () => {
    const { queue, answers, dirty } = queueWithManualSends();
    dirty.set(false);
    expect(queue.status()).toBe('');
    void queue.save();
    expect(queue.status()).toBe('Saving…');
    answers[0](true);
    await settle();
    expect(queue.status()).toBe('Saved');
    dirty.set(true);
    expect(queue.status()).toBe('Unsaved changes');
    queue.clear();
    dirty.set(false);
    expect(queue.status()).toBe('');
  });
});
