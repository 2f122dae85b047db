import { router } from '../trpc';
import { authRouter } from './auth';
import { epicsRouter } from './epics';
import { filesRouter } from './files';
import { flagsRouter } from './flags';
import { heroesRouter } from './heroes';
import { jobsRouter } from './jobs';
import { mediaRouter } from './media';
import { noticesRouter } from './notices';
import { opsRouter } from './ops';
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
  ops: opsRouter,
  shadow: shadowRouter,
  regions: regionsRouter,
  heroes: heroesRouter,
  epics: epicsRouter,
});

export type AppRouter = typeof appRouter;
