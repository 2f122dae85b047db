import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The address of the client that sent `req`. The socket's peer, unless `trustProxy`:
 * then the left-most `X-Forwarded-For` entry, which only a proxy that sets the header
 * itself (rather than appending to what the client sent) makes trustworthy. Without
 * `trustProxy` the header is ignored, since any client can write it.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0].trim() : '';
  const address = isIP(forwarded) ? forwarded : (req.socket.remoteAddress ?? 'unknown');
  // One client, one key, whether it reached an IPv4 or a dual-stack socket.
  return address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}
