ALTER TABLE "media" ADD COLUMN "released_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stories" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "epics" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "heroes" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "regions" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "media_released_idx" ON "media" USING btree ("released_at") WHERE released_at is not null;--> statement-breakpoint
CREATE INDEX "stories_deleted_idx" ON "stories" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "epics_deleted_idx" ON "epics" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "heroes_deleted_idx" ON "heroes" USING btree ("deleted_at") WHERE deleted_at is not null;--> statement-breakpoint
CREATE INDEX "regions_deleted_idx" ON "regions" USING btree ("deleted_at") WHERE deleted_at is not null;