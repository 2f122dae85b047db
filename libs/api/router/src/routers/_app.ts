import { router } from '../trpc';
import { authRouter } from './auth';
import { flagsRouter } from './flags';
import { jobsRouter } from './jobs';
import { shadowRouter } from './shadow';
import { storiesRouter } from './stories';

export const appRouter = router({
  auth: authRouter,
  stories: storiesRouter,
  jobs: jobsRouter,
  flags: flagsRouter,
  shadow: shadowRouter,
});

export type AppRouter = typeof appRouter;
