import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/client/chat-state.js';
import { buildRows, dayLabel, noticeText, typingText, userHue } from '../../src/web/format.js';

const msg = (id: number, username: string, timestamp: string): TimelineItem => ({
  kind: 'message',
  message: { id, room: 'general', username, content: `m${id}`, timestamp },
});

describe('web client formatting', () => {
  it('labels days relative to today', () => {
    const now = new Date(2026, 10, 21, 15, 0);
    expect(dayLabel(new Date(2026, 10, 21, 0, 5), now)).toBe('Today');
    expect(dayLabel(new Date(2026, 10, 20, 23, 59), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 10, 17, 9, 0), now, 'en-US')).toBe('Tuesday, November 17');
    expect(dayLabel(new Date(2025, 0, 2, 9, 0), now, 'en-US')).toBe('Thursday, January 2, 2025');
  });

  it('puts a day separator before each new day and groups messages by sender', () => {
    const d1 = new Date(2026, 10, 20, 10, 0);
    const d2 = new Date(2026, 10, 21, 9, 0);
    const iso = (base: Date, minutes: number) =>
      new Date(base.getTime() + minutes * 60_000).toISOString();
    const items: TimelineItem[] = [
      msg(1, 'alice', iso(d1, 0)),
      msg(2, 'alice', iso(d1, 1)),
      msg(3, 'bob', iso(d1, 2)),
      msg(4, 'bob', iso(d1, 20)),
      { kind: 'notice', key: 'n1', text: 'carol joined general', timestamp: iso(d2, 0) },
      msg(5, 'bob', iso(d2, 1)),
    ];
    const rows = buildRows(items, new Date(2026, 10, 21, 12, 0));
    expect(
      rows.map((r) => (r.kind === 'message' ? `${r.message.id}${r.first ? '*' : ''}` : r.kind)),
    ).toEqual(['day', '1*', '2', '3*', '4*', 'day', 'notice', '5*']);
    expect(rows[0]).toMatchObject({ kind: 'day', label: 'Yesterday' });
    expect(rows[5]).toMatchObject({ kind: 'day', label: 'Today' });
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('words join and leave notices for the room on screen', () => {
    const room = (id: string, kind: 'public' | 'group' | 'direct') => ({
      id,
      name: id,
      kind,
      admin: null,
      members: [],
    });
    expect(noticeText('alice joined general', room('general', 'public'))).toBe(
      'alice joined #general',
    );
    expect(noticeText('bob left room_3', room('room_3', 'group'))).toBe('bob left');
    expect(noticeText('bob left dm_7', room('dm_7', 'direct'))).toBe('bob left');
    expect(noticeText('something else', room('general', 'public'))).toBe('something else');
  });

  it('says who is typing', () => {
    expect(typingText([])).toBe('');
    expect(typingText(['alice'])).toBe('alice is typing…');
    expect(typingText(['alice', 'bob'])).toBe('alice and bob are typing…');
    expect(typingText(['a', 'b', 'c'])).toBe('a, b and c are typing…');
    expect(typingText(['a', 'b', 'c', 'd'])).toBe('Several people are typing…');
  });

  it('gives each person a stable colour, whatever the case', () => {
    expect(userHue('Alice')).toBe(userHue('alice'));
    expect(userHue('alice')).toBeGreaterThanOrEqual(0);
    expect(userHue('alice')).toBeLessThan(360);
  });
});
