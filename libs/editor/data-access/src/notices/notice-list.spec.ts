import { describe, expect, it } from 'vitest';
import type { Notice } from '@storyline/contracts';
import { NoticeList, NOTICES_KEPT } from './notice-list';

const notice = (n: number, overrides: Partial<Notice> = {}): Notice => ({
  id: `n${n}`,
  level: 'info',
  message: `notice ${n}`,
  at: new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString(),
  scope: 'broadcast',
  ...overrides,
});

describe('NoticeList', () => {
  it('lists notices newest first and counts the unread ones', () => {
    const list = new NoticeList();
    expect(list.add(notice(1))).toBe(true);
    expect(list.add(notice(3))).toBe(true);
    expect(list.add(notice(2))).toBe(true);
    expect(list.notices().map((n) => n.id)).toEqual(['n3', 'n2', 'n1']);
    expect(list.unread()).toBe(3);
  });

  it('takes a notice that arrives twice once', () => {
    const list = new NoticeList();
    list.add(notice(1));
    expect(list.add(notice(1))).toBe(false);
    expect(list.notices()).toHaveLength(1);
    expect(list.unread()).toBe(1);
  });

  it('keeps only the newest ones, and forgets that a dropped one was unread', () => {
    const list = new NoticeList();
    for (let n = 1; n <= NOTICES_KEPT + 5; n++) list.add(notice(n));
    expect(list.notices()).toHaveLength(NOTICES_KEPT);
    expect(list.notices()[0].id).toBe(`n${NOTICES_KEPT + 5}`);
    expect(list.unread()).toBe(NOTICES_KEPT);
    // Older than everything kept: not listed, so not news either.
    expect(list.add(notice(0))).toBe(false);
    expect(list.unread()).toBe(NOTICES_KEPT);
  });

  it('counts nothing unread once opened, and lists earlier notices as read', () => {
    const list = new NoticeList();
    list.add(notice(1));
    list.markAllRead();
    expect(list.unread()).toBe(0);
    list.add(notice(2), { read: true });
    expect(list.unread()).toBe(0);
    list.add(notice(3));
    expect(list.unread()).toBe(1);
  });
});
