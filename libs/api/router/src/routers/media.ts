import { ListMediaInput } from '@storyline/contracts';
import { listMedia, readStory } from '../story-access';
import { authedProcedure, router } from '../trpc';

export const mediaRouter = router({
  /** A story's images with their state; cheap enough to ask again as a fork's images arrive. */
  list: authedProcedure.input(ListMediaInput).query(async ({ ctx, input }) => {
    await readStory(ctx.db, ctx.user, input.storyId);
    return listMedia(ctx.db, input.storyId);
  }),
});
