import { describe, expect, it } from 'vitest';
import type { JobDefinition } from '@storyline/jobs';
import { collectWatch } from '../../testing/collect-watch';
import { publishNewStory } from '../../testing/story-fixtures';
import type { TestClient, TestStack } from '../../testing/test-stack';
import { useTestStack } from '../../testing/use-test-stack';

let stack: TestStack;
let alice: TestClient;

useTestStack((started) => ({ stack, alice } = started));

describe('what a job may put on the wire', () => {
  it('coalesces a burst of progress reports to about ten events a second', async () => {
    const { jobId } = await publishNewStory(alice);
    let reports = 0;
    const chatty: JobDefinition = {
      type: 'story-publish',
      timeoutMs: 10_000,
      handler: async ({ report }) => {
        const until = Date.now() + 1_000;
        while (Date.now() < until) {
          reports += 1;
          await report.progress(Math.min(99, reports / 10));
          await new Promise((resolve) => setImmediate(resolve));
        }
        return report.complete(async () => ({ reports }));
      },
    };
    const worker = stack.startWorker([chatty]);
    const received = await collectWatch(alice, { jobId });
    await worker.stop();
    const progress = received.filter((m) => m.data.kind === 'event' && m.data.event.kind === 'progress');
    expect(reports).toBeGreaterThan(200);
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress.length).toBeLessThanOrEqual(12);
  });

  it('delivers an event far larger than a NOTIFY payload may be, read from the log', async () => {
    const { jobId } = await publishNewStory(alice);
    const long = 'a very long warning '.repeat(1_000);
    const verbose: JobDefinition = {
      type: 'story-publish',
      timeoutMs: 10_000,
      handler: async ({ report }) => {
        await report.warn(long);
        return report.complete(async () => ({ ok: true }));
      },
    };
    const worker = stack.startWorker([verbose]);
    const received = await collectWatch(alice, { jobId });
    await worker.stop();
    expect(long.length).toBeGreaterThan(8_000);
    expect(received.some((m) => m.data.kind === 'event' && m.data.event.kind === 'warning' && m.data.event.message === long)).toBe(true);
  });
});
