-- The feed's order becomes commit order. Until now an event's place was its transaction id,
-- taken when the transaction first wrote: a transaction that took its id early but committed
-- late landed behind events already sent, so readers had to wait for the oldest open
-- transaction in the whole database. Now each event takes its position as its transaction
-- commits, one committing writer at a time, so positions are visible in the order they are
-- given and a reader never has to wait for anybody. See docs/realtime.md.
ALTER TABLE "job_events" ADD COLUMN "position" bigint;--> statement-breakpoint
CREATE SEQUENCE "job_event_position" AS bigint;--> statement-breakpoint
-- The events already there keep the order the old feed gave them.
UPDATE "job_events" AS e SET "position" = o.n
  FROM (SELECT id, row_number() OVER (ORDER BY tx_id, id) AS n FROM "job_events") AS o
  WHERE e.id = o.id;--> statement-breakpoint
SELECT setval('job_event_position', coalesce(max("position"), 0) + 1, false) FROM "job_events";--> statement-breakpoint
DROP INDEX "job_events_feed_idx";--> statement-breakpoint
ALTER TABLE "job_events" DROP COLUMN "tx_id";--> statement-breakpoint
CREATE UNIQUE INDEX "job_events_position_uq" ON "job_events" USING btree ("position");--> statement-breakpoint
-- Runs at COMMIT (a deferred trigger), after everything else the transaction did, so the lock
-- is held only from here to the end of the commit: no statement of the writer runs under it,
-- and it can wait on nothing but another writer's commit (no deadlock). Postgres makes a
-- transaction visible before it releases its locks, so when a writer gets position P+1,
-- the event at P is already visible to every new snapshot. A rollback leaves a hole in the
-- sequence, which readers simply step over.
CREATE FUNCTION "job_event_take_position"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- 0x53544C46 ('STLF'), the feed's lock; nothing else takes it.
  PERFORM pg_advisory_xact_lock(1398033478);
  UPDATE "job_events" SET "position" = nextval('job_event_position') WHERE id = NEW.id;
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "job_events_take_position" AFTER INSERT ON "job_events"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "job_event_take_position"();
