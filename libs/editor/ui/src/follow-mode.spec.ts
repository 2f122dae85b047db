import { describe, expect, it } from 'vitest';
import { followModeOf } from './follow-mode';

describe('followModeOf', () => {
  it('follows a pushed job as the stream stands', () => {
    expect(followModeOf('push', 'live')).toBe('live');
    expect(followModeOf('push', 'reconnecting')).toBe('catching-up');
    expect(followModeOf('shadow', 'unavailable')).toBe('polling');
  });

  it('polls a polled job whatever the stream does', () => {
    expect(followModeOf('polling', 'live')).toBe('polling');
    expect(followModeOf('polling', 'reconnecting')).toBe('polling');
  });

  it('says offline for every transport while the browser has no network', () => {
    expect(followModeOf('push', 'offline')).toBe('offline');
    expect(followModeOf('polling', 'offline')).toBe('offline');
  });
});
