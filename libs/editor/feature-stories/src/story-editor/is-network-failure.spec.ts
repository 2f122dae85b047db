import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { isNetworkFailure } from './is-network-failure';

describe('isNetworkFailure', () => {
  it('is true for a call the network dropped', () => {
    expect(isNetworkFailure(TRPCClientError.from(new TypeError('Failed to fetch')))).toBe(true);
  });

  it('is false for a call the server refused with a reason', () => {
    const refusal = TRPCClientError.from({ error: { code: -32600, message: 'title: Required', data: { code: 'BAD_REQUEST', httpStatus: 400 } } });
    expect(isNetworkFailure(refusal)).toBe(false);
  });

  it('is false for an error that is not the API client’s', () => {
    expect(isNetworkFailure(new Error('bug'))).toBe(false);
  });
});
