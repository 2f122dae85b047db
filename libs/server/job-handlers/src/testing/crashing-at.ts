import type { JobType } from '@storyline/contracts';
import type { JobDefinition, JobReporter } from '@storyline/jobs';

/** Where an attempt dies: in its completing transaction, or at its first progress report. */
export type CrashPoint = 'complete' | 'first-progress';

/**
 * `definitions` with `type`'s handler made to die at `crashAt` the way a killed worker's
 * does: the reporter's call there never returns, so none of the handler's `catch` or
 * `finally` runs and whatever it stored stays behind. `reached` resolves once the handler
 * got there; stopping the worker then hands the job back, for the next worker to run again.
 */
export function crashingAt(definitions: JobDefinition[], type: JobType, crashAt: CrashPoint): { definitions: JobDefinition[]; reached: Promise<void> } {
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const dies = (): Promise<never> => {
    reach();
    return new Promise<never>(() => undefined);
  };
  const dying = (report: JobReporter): JobReporter => (crashAt === 'complete' ? { ...report, complete: dies } : { ...report, progress: dies });
  return {
    reached,
    definitions: definitions.map((definition) =>
      definition.type === type ? { ...definition, handler: (context) => definition.handler({ ...context, report: dying(context.report) }) } : definition,
    ),
  };
}
