import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingProxy {
  port: number;
  /** Requests per queue name since the start or the last {@link CountingProxy.reset}. */
  counts(): Map<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of Azurite's queue service that counts every request by the
 * queue it names: each request is one storage transaction on Azure's bill.
 */
export async function startCountingProxy(targetPort: number, host = '127.0.0.1'): Promise<CountingProxy> {
  let counts = new Map<string, number>();
  const agent = new Agent({ keepAlive: true });
  const server = createServer((incoming, outgoing) => {
    // Path-style URLs: /<account>/<queue>/messages?…
    const queue = (incoming.url ?? '').split('?')[0].split('/')[2] ?? '';
    counts.set(queue, (counts.get(queue) ?? 0) + 1);
    const upstream = request(
      { host, port: targetPort, method: incoming.method, path: incoming.url, headers: incoming.headers, agent },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', (error) => outgoing.destroy(error));
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    counts: () => new Map(counts),
    reset: () => (counts = new Map()),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
