/** The closed set of error codes every layer speaks; the API maps each to a tRPC code. */
export type DomainErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'CONFLICT' | 'INVALID' | 'UNAVAILABLE';

/** An expected failure with a message fit for the user. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
