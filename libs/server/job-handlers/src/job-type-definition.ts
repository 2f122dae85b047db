import type { JobCompletion, JobContext, JobDefinition } from '@storyline/jobs';
import type { FileJobServices } from './file-job-services';

/**
 * One job type as this lib writes it, one per file: what the worker's {@link JobDefinition}
 * holds, its handler also handed the services the worker was built with (see
 * `createJobDefinitions`). The handler parses its payload on its first line.
 */
export interface JobTypeDefinition extends Omit<JobDefinition, 'handler'> {
  handler(context: JobContext, services: FileJobServices): Promise<JobCompletion>;
}
