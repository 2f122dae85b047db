import { describe, expect, it } from 'vitest';
import { JobInputError, jobFailureMessage } from './job-handler';

describe('the message a failed job shows its user', () => {
  it('keeps the words of a handler’s own errors', () => {
    expect(jobFailureMessage(new JobInputError('The archive holds a path that leaves its folder: ../evil'), 'r1')).toBe(
      'The archive holds a path that leaves its folder: ../evil',
    );
    expect(jobFailureMessage(new Error('renderer crashed'), 'r2')).toBe('renderer crashed');
  });

  it('names anything else by reference, so no path, URL or query reaches the user', () => {
    const system = Object.assign(new Error("ENOENT: no such file or directory, open '/tmp/storyline-worker/x.zip'"), { code: 'ENOENT' });
    class RestError extends Error {}
    expect(jobFailureMessage(system, 'abc123')).toBe('internal error (reference abc123)');
    expect(jobFailureMessage(new RestError('http://127.0.0.1:10000/devstoreaccount1/media 403'), 'abc123')).toBe('internal error (reference abc123)');
    expect(jobFailureMessage('a string', 'abc123')).toBe('internal error (reference abc123)');
  });
});
