import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TestStack } from '../testing/test-stack';
import { useTestStack } from '../testing/use-test-stack';
import { KEEP_ALIVE_TIMEOUT_MS } from './create-api';

let stack: TestStack;
useTestStack((started) => ({ stack } = started));

describe('keep-alive connections', () => {
  it('stay open longer than clients leave them idle, so a request on a reused connection is not cut mid-send', async () => {
    expect(stack.api.server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(stack.api.server.headersTimeout).toBeGreaterThan(KEEP_ALIVE_TIMEOUT_MS);

    // Node's default closes an idle connection after 5 s; a client that sends just then
    // (Playwright's request context did, in CI) gets ECONNRESET for a mutation nobody retries.
    const { port } = new URL(stack.baseUrl);
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    const ask = () => socket.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
    const answered = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (received.split('HTTP/1.1 200').length - 1 >= count ? resolve() : socket.once('data', check));
        check();
      });
    ask();
    await answered(1);
    const closed = new Promise<string>((resolve) => socket.once('close', () => resolve('closed')));
    const idle = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 6_000));
    expect(await Promise.race([closed, idle])).toBe('still open');
    ask();
    await answered(2);
    socket.destroy();
  });
});
