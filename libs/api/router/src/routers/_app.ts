import { router } from '../trpc';
import { authRouter } from './auth';
import { filesRouter } from './files';
import { flagsRouter } from './flags';
import { heroesRouter } from './heroes';
import { jobsRouter } from './jobs';
import { mediaRouter } from './media';
import { noticesRouter } from './notices';
import { regionsRouter } from './regions';
import { shadowRouter } from './shadow';
import { storiesRouter } from './stories';

export const appRouter = router({
  auth: authRouter,
  stories: storiesRouter,
  jobs: jobsRouter,
  media: mediaRouter,
  files: filesRouter,
  flags: flagsRouter,
  notices: noticesRouter,
  shadow: shadowRouter,
  regions: regionsRouter,
  heroes: heroesRouter,
});

export type AppRouter = typeof appRouter;
