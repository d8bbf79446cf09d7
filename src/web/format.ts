import type { PendingMessage, TimelineItem } from '../client/chat-state.js';
import type { Message } from '../protocol/message.js';
import type { Room } from '../protocol/room.js';

/** Consecutive messages by one person within this gap share a single header. */
const GROUP_GAP_MS = 5 * 60 * 1000;

export type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: Message; first: boolean }
  | { kind: 'notice'; key: string; text: string; timestamp: string };

function dayKey(date: Date): string {
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** "Today", "Yesterday", or the date ("Monday, March 3", with the year when not this year). */
export function dayLabel(date: Date, now: Date, locale?: string): string {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: date.getFullYear() === now.getFullYear() ? undefined : 'numeric',
  }).format(date);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
/** Hours and minutes in the reader's locale and time zone. */
export function timeLabel(iso: string, locale?: string): string {
  const key = locale ?? '';
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
    timeFormats.set(key, format);
  }
  return format.format(new Date(iso));
}

/** The full date and time, for a tooltip. */
export function fullTimeLabel(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** The timeline as rows to render: day separators between days, messages grouped by sender. */
export function buildRows(items: readonly TimelineItem[], now: Date, locale?: string): Row[] {
  const rows: Row[] = [];
  let lastDay = '';
  let previous: Message | undefined;
  for (const item of items) {
    const timestamp = item.kind === 'message' ? item.message.timestamp : item.timestamp;
    const date = new Date(timestamp);
    const day = dayKey(date);
    if (day !== lastDay) {
      rows.push({ kind: 'day', key: `day-${day}`, label: dayLabel(date, now, locale) });
      lastDay = day;
      previous = undefined;
    }
    if (item.kind === 'notice') {
      rows.push({ kind: 'notice', key: item.key, text: item.text, timestamp });
      previous = undefined;
      continue;
    }
    const message = item.message;
    const first =
      !previous ||
      previous.username !== message.username ||
      date.getTime() - new Date(previous.timestamp).getTime() > GROUP_GAP_MS;
    rows.push({ kind: 'message', key: `m${message.id}`, message, first });
    previous = message;
  }
  return rows;
}

/**
 * A join/leave notice as people read it: the server says "alice joined general" or
 * "bob left room_3"; the room is on screen already, so public rooms get their `#` and group or
 * direct room ids (which mean nothing to people) are dropped.
 */
export function noticeText(text: string, room: Room): string {
  const suffix = ` ${room.id}`;
  if (!text.endsWith(suffix)) return text;
  const head = text.slice(0, -suffix.length);
  return room.kind === 'public' ? `${head} #${room.id}` : head;
}

/** "alice is typing…", "alice and bob are typing…", "Several people are typing…", or "". */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
  return 'Several people are typing…';
}

/** Messages still in the outbox for a room, in the order they were written. */
export function pendingFor(pending: readonly PendingMessage[], room: string): PendingMessage[] {
  return pending.filter((p) => p.room === room);
}

/** Initials-free avatar colour: a stable hue per username. */
export function userHue(username: string): number {
  let hash = 0;
  for (const ch of username.toLowerCase()) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return hash % 360;
}
