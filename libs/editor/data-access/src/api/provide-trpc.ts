import { inject, InjectionToken, type EnvironmentProviders, makeEnvironmentProviders } from '@angular/core';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
// Types only: the editor must never bundle server code.
import type { AppRouter } from '@storyline/api-router';

/** The typed client of the Storyline API. */
export type TrpcClient = TRPCClient<AppRouter>;

const TRPC_CLIENT = new InjectionToken<TrpcClient>('TRPC_CLIENT');

/** Where the API answers; the editor is served by the API, so it is the same origin. */
const API_URL = '/trpc';

/**
 * Provides the tRPC client: subscriptions run over Server-Sent Events, everything
 * else is batched over plain HTTP. Being same-origin, both carry the session cookie
 * without any configuration, which matters because an EventSource cannot send headers.
 */
export function provideTrpc(): EnvironmentProviders {
  return makeEnvironmentProviders([
    {
      provide: TRPC_CLIENT,
      useFactory: () =>
        createTRPCClient<AppRouter>({
          links: [
            splitLink({
              condition: (op) => op.type === 'subscription',
              true: httpSubscriptionLink({ url: API_URL }),
              false: httpBatchLink({ url: API_URL }),
            }),
          ],
        }),
    },
  ]);
}

/** The tRPC client provided by {@link provideTrpc}; call in an injection context. */
export function injectTrpc(): TrpcClient {
  return inject(TRPC_CLIENT);
}
