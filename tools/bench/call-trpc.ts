/** A request the API has not answered by then fails instead of holding a bench up. */
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Calls one tRPC procedure over plain HTTP as a signed-in editor (`cookie`): queries as GET,
 * mutations as POST. Answers the procedure's data; an error answer throws with its message.
 */
export async function callTrpc<T>(baseUrl: string, cookie: string, path: string, input: unknown, method: 'GET' | 'POST'): Promise<T> {
  const url = method === 'GET' ? `${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}` : `${baseUrl}/trpc/${path}`;
  const response = await fetch(url, {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(input) : undefined,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { result?: { data: T }; error?: { message: string } };
  if (!body.result) throw new Error(`${path} answered ${response.status}: ${body.error?.message}`);
  return body.result.data;
}
