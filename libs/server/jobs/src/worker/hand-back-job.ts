import { recordJobChange, wakeJobWorkers } from '../record-job-change';
import type { Attempt, WorkerContext } from './worker-context';

/**
 * Gives a job this stopping worker was running back to the queue. A peer takes over a
 * Running job only once its heartbeat is stale, so the job is made Queued first and
 * the peers are woken; then its message is made visible at once.
 */
export async function handBackJob(worker: WorkerContext, { job, lease, log }: Attempt): Promise<void> {
  const handedBack = await worker.deps.db
    .transaction(async (tx) => {
      const event = await recordJobChange(tx, job.id, {
        set: { status: 'Queued', phase: null, progress: 0, message: 'Waiting for another worker' },
        event: { kind: 'status', status: 'Queued', message: `Worker ${worker.name} stopped; waiting for another worker` },
        onlyIf: ['Running'],
      });
      if (event) await wakeJobWorkers(tx, lease.type);
      return event !== null;
    })
    .catch(() => false);
  if (!handedBack) {
    // Its message reappears when its visibility runs out, and a peer then takes the job over.
    log.warn('worker stopping; job left to be taken over');
    return;
  }
  log.warn('worker stopping; job handed back to the queue');
  await lease.hide(0).catch(() => undefined);
}
