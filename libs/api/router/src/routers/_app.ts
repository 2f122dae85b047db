import { router } from '../trpc';
import { authRouter } from './auth';
import { flagsRouter } from './flags';
import { jobsRouter } from './jobs';
import { storiesRouter } from './stories';

export const appRouter = router({
  auth: authRouter,
  stories: storiesRouter,
  jobs: jobsRouter,
  flags: flagsRouter,
});

export type AppRouter = typeof appRouter;
