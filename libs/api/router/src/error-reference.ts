import { randomBytes } from 'node:crypto';

const references = new WeakMap<object, string>();

/**
 * A short reference for an internal error: the client's message carries it, the log
 * line carries the same one, and nothing else of the error leaves the server.
 */
export function errorReference(error: object): string {
  let reference = references.get(error);
  if (!reference) {
    reference = randomBytes(6).toString('hex');
    references.set(error, reference);
  }
  return reference;
}
