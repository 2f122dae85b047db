import type { OpsQueueFigures, OpsSample } from '@storyline/contracts';

/** Samples kept per API process: ten minutes at the default 5 s interval. */
export const OPS_SAMPLES_KEPT = 120;

/** A process that sent nothing for this long has gone (scaled in, restarted) and leaves the page. */
const PROCESS_GONE_MS = 60_000;

/** One point of a chart: when, and the value per process. */
export interface OpsSeries {
  process: string;
  points: Array<{ at: number; value: number | null }>;
}

/**
 * The ops samples an admin's page received, per API process, each in a bounded ring
 * (oldest dropped first), and the newest queue figures from whichever process read them.
 * Immutable: every `add` answers a new history, so a signal holding it changes.
 */
export class OpsHistory {
  private constructor(
    private readonly byProcess: ReadonlyMap<string, readonly OpsSample[]>,
    /** The newest queue figures any process sent, and when. */
    readonly queues: { at: number; figures: readonly OpsQueueFigures[] } | null,
    private readonly kept: number,
  ) {}

  static empty(kept = OPS_SAMPLES_KEPT): OpsHistory {
    return new OpsHistory(new Map(), null, kept);
  }

  add(sample: OpsSample, now = Date.now()): OpsHistory {
    const next = new Map<string, readonly OpsSample[]>();
    for (const [process, samples] of this.byProcess) {
      const newest = samples.at(-1);
      if (process !== sample.process && newest && now - Date.parse(newest.at) < PROCESS_GONE_MS) next.set(process, samples);
    }
    const own = [...(this.byProcess.get(sample.process) ?? []), sample];
    next.set(sample.process, own.slice(-this.kept));
    const at = Date.parse(sample.at);
    const queues = sample.queues && (!this.queues || at >= this.queues.at) ? { at, figures: sample.queues } : this.queues;
    return new OpsHistory(next, queues, this.kept);
  }

  /** Every process's newest sample, by process name. */
  latest(): OpsSample[] {
    return [...this.byProcess.values()].flatMap((samples) => samples.slice(-1)).sort((a, b) => a.process.localeCompare(b.process));
  }

  /** How many samples are kept for one process. */
  size(process: string): number {
    return this.byProcess.get(process)?.length ?? 0;
  }

  /** One figure of every sample, per process, oldest first: the lines of a chart. */
  series(value: (sample: OpsSample) => number | null): OpsSeries[] {
    return [...this.byProcess.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([process, samples]) => ({ process, points: samples.map((sample) => ({ at: Date.parse(sample.at), value: value(sample) })) }));
  }
}
