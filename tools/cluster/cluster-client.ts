import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import type { AppRouter } from '@storyline/api-router';

export type ClusterClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/**
 * A tRPC client like the editor's whose stream target can change: `streamUrl()` is
 * asked again on every reconnect, the way a load balancer would send it elsewhere.
 * Queries and mutations go to `requestUrl`.
 */
export function createClusterClient(streamUrl: () => string, requestUrl: string, cookie: string): ClusterClient {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: () => `${streamUrl()}/trpc`,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, cookie } }),
          }),
        }),
        false: httpBatchLink({ url: `${requestUrl}/trpc`, headers: () => ({ cookie }) }),
      }),
    ],
  });
}

export async function loginCookie(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login as ${username} failed: ${response.status}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}
