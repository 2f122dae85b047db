import { sql } from 'drizzle-orm';
import { TransactionRollbackError } from 'drizzle-orm/errors';
import type { Db, Tx } from '@storyline/db';

/** A transaction a test keeps open, to force an interleaving with other sessions step by step. */
export interface HeldTransaction {
  tx: Tx;
  /** Makes Postgres give the transaction its id now, as its first write would. */
  takeId(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Begins a transaction on a connection of its own and hands it back open. */
export function beginHeld(db: Db): Promise<HeldTransaction> {
  return new Promise((resolveHeld, rejectHeld) => {
    let decide!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (decide = resolve));
    let opened = false;
    const done = db.transaction(async (tx) => {
      opened = true;
      resolveHeld({
        tx,
        takeId: async () => void (await tx.execute(sql`select pg_current_xact_id()`)),
        commit: () => (decide(true), done),
        rollback: () => (decide(false), done.catch((error: unknown) => {
          if (!(error instanceof TransactionRollbackError)) throw error;
        })),
      });
      if (!(await decided)) tx.rollback();
    });
    done.catch((error: unknown) => {
      if (!opened) rejectHeld(error);
    });
  });
}
