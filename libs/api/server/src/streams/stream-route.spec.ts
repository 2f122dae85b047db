import { describe, expect, it } from 'vitest';
import { streamPathOf } from './stream-route';

describe('streamPathOf', () => {
  it('reads every spelling tRPC would accept for the two streams, so none slips past the lean writer', () => {
    for (const path of ['/trpc/jobs.onMyJobs', '/trpc/jobs.onMyJobs/', '//trpc//jobs.onMyJobs', '/trpc/jobs%2EonMyJobs']) {
      expect(streamPathOf(path)).toBe('jobs.onMyJobs');
    }
    expect(streamPathOf('/trpc/jobs.watch')).toBe('jobs.watch');
  });

  it('leaves every other path to tRPC', () => {
    for (const path of ['/trpc/jobs.get', '/trpc/jobs.onMyJobs,jobs.watch', '/trpc/%E0%A4%A', '/jobs.onMyJobs', '/trpc/constructor']) {
      expect(streamPathOf(path)).toBeNull();
    }
  });
});
