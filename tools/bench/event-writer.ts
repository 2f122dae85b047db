/**
 * A bench writer process (forked by `streams.ts`): records progress events on the
 * given jobs at a target rate, each in its own transaction as a worker writes them
 * (job row + event + NOTIFY), and reports how many it committed per job.
 */
import { createDatabase } from '@storyline/db';
import { recordJobChange } from '@storyline/jobs';

export interface WriteCommand {
  databaseUrl: string;
  jobIds: string[];
  ratePerSec: number;
  durationMs: number;
  connections: number;
}

export interface WriteReport {
  written: number;
  perJob: Record<string, number>;
  achievedPerSec: number;
  /** When each event's transaction had committed, by `jobId:seq` (epoch ms, taken as COMMIT returned). */
  commits: Record<string, number>;
}

process.once('message', async (command: WriteCommand) => {
  const database = createDatabase(command.databaseUrl, { max: command.connections, applicationName: 'storyline-bench-writer' });
  const total = Math.round((command.ratePerSec * command.durationMs) / 1000);
  const perJob: Record<string, number> = {};
  const commits: Record<string, number> = {};
  const started = Date.now();
  let next = 0;
  const lane = async () => {
    while (next < total) {
      const index = next++;
      // Paced to the target rate; a writer behind schedule writes at once.
      const due = started + (index * 1000) / command.ratePerSec;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const jobId = command.jobIds[index % command.jobIds.length];
      const event = await database.db.transaction((tx) =>
        recordJobChange(tx, jobId, { set: { progress: index % 100 }, event: { kind: 'progress', progress: index % 100, message: null } }),
      );
      if (event) commits[`${jobId}:${event.seq}`] = Date.now();
      perJob[jobId] = (perJob[jobId] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: command.connections }, lane));
  const elapsed = (Date.now() - started) / 1000;
  await database.close();
  process.send?.({ written: total, perJob, achievedPerSec: total / elapsed, commits } satisfies WriteReport, undefined, undefined, () => process.exit(0));
});
