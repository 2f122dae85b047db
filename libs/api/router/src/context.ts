import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { SessionUser } from '@storyline/contracts';
import type { Db } from '@storyline/db';
import type { LogReader, StreamHub } from '@storyline/realtime';
import type { BlobStore, JobQueues } from '@storyline/storage';
import type { Logger } from 'pino';
import type { Counter, Histogram } from 'prom-client';
import { DEVICE_COOKIE, DEVICE_TTL_DAYS, wellFormedDeviceToken } from './auth/devices';
import { createLoginThrottle, type LoginThrottle } from './auth/login-throttle';
import { findSession, SESSION_COOKIE } from './auth/sessions';
import { clientAddress } from './client-address';

export interface FileLimits {
  /** The largest image a page takes. */
  mediaMaxBytes: number;
  /** The largest story ZIP an import takes. */
  importMaxBytes: number;
  /** How long a download link lives. */
  downloadLinkTtlMs: number;
  /** How long an uploaded ZIP is kept for its import (and a retry of it). */
  uploadRetentionMs: number;
}

/** The figures procedures count into; the HTTP server's `ApiMetrics` holds them among its own. */
export interface ProcedureMetrics {
  pollingRequests: Counter<'job_type'>;
  shadowPollingLag: Histogram<'job_type'>;
  shadowDisagreements: Counter<'job_type'>;
}

/** What every request can reach; built once per process. */
export interface ApiServices {
  db: Db;
  queues: JobQueues;
  blobs: BlobStore;
  /** Bounds and lifetimes of uploads and downloads. */
  files: FileLimits;
  /** The process's one reader of the event log. */
  logReader: LogReader;
  /** This process's live streams, routed by owner, job and session. */
  hub: StreamHub;
  metrics: ProcedureMetrics;
  log: Logger;
  sessionTtlMs: number;
  secureCookies: boolean;
  /** Failed-login throttling; the defaults of `createLoginThrottle` when absent. */
  loginThrottle?: LoginThrottle;
  /** Take the client's address from `X-Forwarded-For` (behind a proxy that sets it); default false. */
  trustProxy?: boolean;
}

export interface Context extends ApiServices {
  loginThrottle: LoginThrottle;
  user: SessionUser | null;
  sessionToken: string | undefined;
  /** The session behind `user`: its key (token hash) and expiry, so streams can end with it. */
  session: { key: string; expiresAt: Date } | null;
  /** The client's IP address, as `trustProxy` says to find it. */
  clientAddress: string;
  setSessionCookie(token: string | null): void;
  /** The `storyline_device` cookie's token, when well formed: which browser this is (see devices.ts). */
  deviceToken: string | null;
  setDeviceCookie(token: string): void;
  /** Sets a header on the HTTP response this request will get, error or not. */
  setResponseHeader(name: string, value: string): void;
}

export function createContextFactory(services: ApiServices) {
  // The throttle keeps its counts in the database, not in memory; one serves every request.
  const loginThrottle = services.loginThrottle ?? createLoginThrottle(services.db);
  return async ({ req, res }: { req: IncomingMessage; res: ServerResponse }): Promise<Context> => {
    const cookies = parseCookies(req.headers.cookie ?? '');
    const sessionToken = cookies[SESSION_COOKIE];
    const session = await findSession(services.db, sessionToken);
    const user = session?.user ?? null;
    /** Every cookie the API sets: HttpOnly, SameSite=Lax, for the whole site. */
    const setCookie = (name: string, value: string, maxAge: number) =>
      res.appendHeader('Set-Cookie', serializeCookie(name, value, { httpOnly: true, sameSite: 'lax', secure: services.secureCookies, path: '/', maxAge }));
    return {
      ...services,
      loginThrottle,
      user,
      sessionToken,
      session: session && { key: session.key, expiresAt: session.expiresAt },
      clientAddress: clientAddress(req, services.trustProxy ?? false),
      setSessionCookie(token) {
        setCookie(SESSION_COOKIE, token ?? '', token ? Math.floor(services.sessionTtlMs / 1000) : 0);
      },
      deviceToken: wellFormedDeviceToken(cookies[DEVICE_COOKIE]),
      setDeviceCookie(token) {
        setCookie(DEVICE_COOKIE, token, DEVICE_TTL_DAYS * 24 * 3600);
      },
      setResponseHeader(name, value) {
        res.setHeader(name, value);
      },
    };
  };
}
