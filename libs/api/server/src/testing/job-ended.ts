import type { JobView } from '@storyline/contracts';
import { eventually } from '../../../../../tools/testing/eventually';
import type { TestClient } from './test-stack';

/** The job once it is neither Queued nor Running (a retry in between does not end it). */
export function jobEnded(client: TestClient, jobId: string, timeoutMs = 30_000): Promise<JobView> {
  return eventually(() => client.jobs.get.query({ jobId }), (job) => !['Queued', 'Running'].includes(job.status), `job ${jobId} to end`, { timeoutMs });
}
