import { describe, expect, it } from 'vitest';
import type { JobEvent, UserStreamMessage } from '@storyline/contracts';
import { comparePositions, StreamCursor } from './stream-cursor';

const snapshot: UserStreamMessage = { kind: 'snapshot', jobs: [], flags: [] };
const flags: UserStreamMessage = { kind: 'flags', flags: [] };
const event = (seq: number): UserStreamMessage => {
  const body: JobEvent = { jobId: 'j', seq, at: '2026-12-07T00:00:00.000Z', kind: 'progress', progress: seq, message: null };
  return { kind: 'event', jobType: 'story-publish', event: body };
};
const frame = (link: string, after: string | null, position: string, message: UserStreamMessage) => ({ link, after, position, message, connection: 1 });

describe('StreamCursor', () => {
  it('starts from a snapshot and takes the frames of its connection', () => {
    const cursor = new StreamCursor();
    expect(cursor.judge(frame('a', null, '10', event(1)))).toBe('gap');
    expect(cursor.judge(frame('a', null, '10', snapshot))).toBe('take');
    expect(cursor.judge(frame('a', null, '11', event(1)))).toBe('take');
    expect(cursor.position).toBe('11');
  });

  it('continues on a connection that resumed at or before its position, skipping the events it has', () => {
    const cursor = new StreamCursor();
    cursor.adopt('a', '20');
    expect(cursor.judge(frame('b', '18', '18', flags))).toBe('take');
    expect(cursor.judge(frame('b', '18', '19', event(1)))).toBe('skip');
    expect(cursor.judge(frame('b', '18', '20', event(2)))).toBe('skip');
    expect(cursor.judge(frame('b', '18', '21', event(3)))).toBe('take');
    expect(cursor.position).toBe('21');
  });

  it('calls a connection that resumed past its position a gap, and one it has no place in', () => {
    const cursor = new StreamCursor();
    expect(cursor.judge(frame('a', '5', '5', flags))).toBe('gap');
    cursor.adopt('a', '20');
    expect(cursor.judge(frame('b', '21', '22', event(4)))).toBe('gap');
    expect(cursor.position).toBe('20');
  });

  it('orders positions as numbers, whatever their length', () => {
    expect(comparePositions('9', '10')).toBeLessThan(0);
    expect(comparePositions('100', '99')).toBeGreaterThan(0);
    expect(comparePositions('4711', '4711')).toBe(0);
  });
});
