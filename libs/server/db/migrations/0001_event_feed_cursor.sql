ALTER TABLE "job_events" ADD COLUMN "tx_id" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "requeues" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "job_events_feed_idx" ON "job_events" USING btree ("tx_id","id");