import type { JobView } from '@storyline/contracts';

/** A running story-publish job as the API would describe it, with `overrides` applied; for specs. */
export function aJobView(overrides: Partial<JobView> = {}): JobView {
  return {
    id: '7d1c4c5e-0000-4000-8000-000000000001',
    type: 'story-publish',
    targetId: '7d1c4c5e-0000-4000-8000-000000000002',
    ownerId: '7d1c4c5e-0000-4000-8000-000000000003',
    status: 'Running',
    phase: null,
    progress: 0,
    message: null,
    dequeueCount: 1,
    queuedAt: '2030-01-01T00:00:00.000Z',
    startedAt: null,
    completedAt: null,
    error: null,
    failure: null,
    result: null,
    lastSeq: 1,
    parentJobId: null,
    ...overrides,
  };
}
