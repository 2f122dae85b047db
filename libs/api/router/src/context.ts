import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { SessionUser } from '@storyline/contracts';
import type { Db } from '@storyline/db';
import type { JobFeed } from '@storyline/realtime';
import type { JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import { findSessionUser, SESSION_COOKIE } from './auth/sessions';
import type { ApiMetrics } from './server/api-metrics';

/** What every request can reach; built once per process. */
export interface ApiServices {
  db: Db;
  queues: JobQueues;
  feed: JobFeed;
  metrics: ApiMetrics;
  log: Logger;
  sessionTtlMs: number;
  secureCookies: boolean;
}

export interface Context extends ApiServices {
  user: SessionUser | null;
  sessionToken: string | undefined;
  setSessionCookie(token: string | null): void;
}

export function createContextFactory(services: ApiServices) {
  return async ({ req, res }: { req: IncomingMessage; res: ServerResponse }): Promise<Context> => {
    const sessionToken = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    const user = await findSessionUser(services.db, sessionToken);
    return {
      ...services,
      user,
      sessionToken,
      setSessionCookie(token) {
        const cookie = serializeCookie(SESSION_COOKIE, token ?? '', {
          httpOnly: true,
          sameSite: 'lax',
          secure: services.secureCookies,
          path: '/',
          maxAge: token ? Math.floor(services.sessionTtlMs / 1000) : 0,
        });
        res.appendHeader('Set-Cookie', cookie);
      },
    };
  };
}
