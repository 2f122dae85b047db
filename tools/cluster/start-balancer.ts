import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Balancer {
  url: string;
  close(): Promise<void>;
}

/**
 * A minimal TCP load balancer for tests: each new connection goes to the first API
 * that accepts it, so when one API process dies, clients that reconnect to the same
 * address land on another — as behind any real load balancer.
 */
export async function startBalancer(upstreamUrls: string[]): Promise<Balancer> {
  const upstreams = upstreamUrls.map((url) => new URL(url));
  const sockets = new Set<Socket>();
  const connect = (client: Socket, index: number) => {
    if (index >= upstreams.length) return client.destroy();
    const upstream = createConnection({ host: upstreams[index].hostname, port: Number(upstreams[index].port) });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream).pipe(client);
      client.resume();
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    });
    upstream.on('error', () => {
      if (!connected) connect(client, index + 1);
      else client.destroy();
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
  };
  const server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    connect(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
