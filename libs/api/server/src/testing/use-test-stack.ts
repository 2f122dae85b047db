import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startTestStack, type TestClient, type TestStack, type TestStackOptions } from './test-stack';

/** A spec file's stack, with each of its users logged in through the real HTTP API. */
export interface StartedStack {
  stack: TestStack;
  alice: TestClient;
  bob: TestClient;
  admin: TestClient;
}

/**
 * The set-up the API specs share: before the first test, a stack of the spec file's own
 * with alice, bob and admin logged in, handed to `started` (which may go on to set up
 * more: a cookie, a worker); after the last test, the stack closed. `options` may be a
 * function when it needs what an earlier `beforeAll` made (a scratch folder).
 */
export function useTestStack(started: (stack: StartedStack) => unknown, options: TestStackOptions | (() => TestStackOptions) = {}): void {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(typeof options === 'function' ? options() : options);
    const [alice, bob, admin] = await Promise.all([stack.login('alice'), stack.login('bob'), stack.login('admin')]);
    await started({ stack, alice, bob, admin });
  });
  afterAll(() => stack?.close());
}

/**
 * A folder of the spec file's own under the system's temp folder, made before the first
 * test and removed after the last. Call it before {@link useTestStack}: hooks after the
 * tests run in reverse, so the folder then outlives the stack whose jobs write into it.
 */
export function useScratchDir(prefix: string): { readonly path: string } {
  let path: string | undefined;
  beforeAll(async () => {
    path = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(() => path && rm(path, { recursive: true, force: true }));
  return {
    get path() {
      if (!path) throw new Error('the scratch folder is made in beforeAll; read it inside a hook or a test');
      return path;
    },
  };
}
