import { Injectable, signal } from '@angular/core';
import type { JobType, JobTypeFlag, Transport } from '@storyline/contracts';
import { injectTrpc } from './provide-trpc';

/** An admin's change reaches open editors within this long: the next job after it rereads the flags. */
const MAX_AGE_MS = 30_000;

/** The server's choice for a type without a stored flag, and ours when the flags cannot be read. */
const DEFAULT_TRANSPORT: Transport = 'push';

/** The per-job-type transport flags: read once, kept briefly, set by admins. */
@Injectable({ providedIn: 'root' })
export class FlagsStore {
  private readonly trpc = injectTrpc();
  private readonly state = signal<JobTypeFlag[] | null>(null);
  private loadedAt = 0;
  private loading: Promise<JobTypeFlag[]> | null = null;

  /** Every job type's flag, or null before the first load. */
  readonly flags = this.state.asReadonly();

  /** Reads the flags from the server; concurrent callers share one request. */
  refresh(): Promise<JobTypeFlag[]> {
    this.loading ??= this.trpc.flags.list
      .query()
      .then((flags) => this.store(flags))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  /** The transport for a job type, rereading the flags when the cached ones are stale. */
  async transportFor(jobType: JobType): Promise<Transport> {
    try {
      const cached = this.state();
      const flags = cached && Date.now() - this.loadedAt < MAX_AGE_MS ? cached : await this.refresh();
      return flags.find((flag) => flag.jobType === jobType)?.transport ?? DEFAULT_TRANSPORT;
    } catch {
      // Not knowing the flag must not stop a job from being watched.
      return DEFAULT_TRANSPORT;
    }
  }

  /** Changes a job type's transport (admins only); resolves once the server has stored it. */
  async set(jobType: JobType, transport: Transport): Promise<void> {
    this.store(await this.trpc.flags.set.mutate({ jobType, transport }));
  }

  /** Forgets the flags, so the next user reads their own. */
  clear(): void {
    this.state.set(null);
    this.loadedAt = 0;
  }

  private store(flags: JobTypeFlag[]): JobTypeFlag[] {
    this.state.set(flags);
    this.loadedAt = Date.now();
    return flags;
  }
}
