export { createLoginThrottle, type LoginThrottle, type LoginThrottleOptions } from './auth/login-throttle';
export { upsertUser, SESSION_COOKIE } from './auth/sessions';
export { createContextFactory, type ApiServices, type Context } from './context';
export { appRouter, type AppRouter } from './routers/_app';
export { readFlags } from './routers/flags';
export { createApi, DEFAULT_FILE_LIMITS, type Api, type ApiOptions } from './server/create-api';
export type { FileLimits } from './context';
export { createCallerFactory } from './trpc';
export type { ApiMetrics } from './server/api-metrics';
