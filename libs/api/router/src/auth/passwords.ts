import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

/**
 * Argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane), in WebAssembly:
 * no native build that could differ, or fail, between machines.
 */
export function hashPassword(password: string): Promise<string> {
  return argon2id({
    password,
    salt: randomBytes(16),
    parallelism: 1,
    iterations: 2,
    memorySize: 19_456,
    hashLength: 32,
    outputType: 'encoded',
  });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2Verify({ password, hash }).catch(() => false);
}

let dummy: Promise<string> | undefined;

/** Verified against when the user does not exist, so a login takes as long either way. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}
