import { Injectable, signal } from '@angular/core';
import type { JobType, JobTypeFlag, Transport } from '@storyline/contracts';
import { injectTrpc } from '../api/provide-trpc';

/** The server's choice for a type without a stored flag, and ours when the flags cannot be read. */
const DEFAULT_TRANSPORT: Transport = 'push';

/**
 * The per-job-type transport flags. While the tab's user stream is live it delivers
 * them, and every change an admin makes, so they are current without asking; while
 * it is not, each new follow rereads them with `flags.list`.
 */
@Injectable({ providedIn: 'root' })
export class FlagsStore {
  private readonly trpc = injectTrpc();
  private readonly state = signal<JobTypeFlag[] | null>(null);
  /** Whether the user stream is keeping `state` current. */
  private streamed = false;
  /** Counts stored answers, so a slow `flags.list` cannot overwrite what the stream said since. */
  private version = 0;
  private loading: Promise<JobTypeFlag[]> | null = null;

  /** Every job type's flag, or null before the first load. */
  readonly flags = this.state.asReadonly();

  /** Reads the flags from the server; concurrent callers share one request. */
  refresh(): Promise<JobTypeFlag[]> {
    const asked = this.version;
    this.loading ??= this.trpc.flags.list
      .query()
      .then((flags) => (this.version === asked ? this.store(flags) : (this.state() ?? flags)))
      .finally(() => (this.loading = null));
    return this.loading;
  }

  /** The transport for a job type: as the user stream last said, or freshly read when it is not live. */
  async transportFor(jobType: JobType): Promise<Transport> {
    const flags = this.streamed ? this.state() : await this.refresh().catch(() => this.state());
    // Not knowing the flag must not stop a job from being followed.
    return flags?.find((flag) => flag.jobType === jobType)?.transport ?? DEFAULT_TRANSPORT;
  }

  /** Changes a job type's transport (admins only); resolves once the server has stored it. */
  async set(jobType: JobType, transport: Transport): Promise<void> {
    this.store(await this.trpc.flags.set.mutate({ jobType, transport }));
  }

  /** Takes the flags the live user stream delivered; they stay current until {@link unstream}. */
  receive(flags: JobTypeFlag[]): void {
    this.store(flags);
    this.streamed = true;
  }

  /** The user stream stopped being live, so changes may be missed: read the flags again when needed. */
  unstream(): void {
    this.streamed = false;
  }

  /** Forgets the flags, so the next user reads their own. */
  clear(): void {
    this.state.set(null);
    this.streamed = false;
    this.version += 1;
  }

  private store(flags: JobTypeFlag[]): JobTypeFlag[] {
    this.state.set(flags);
    this.version += 1;
    return flags;
  }
}
