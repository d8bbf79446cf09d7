import type { PendingMessage, RoomView, TimelineItem } from '../client/index.js';
import type { Message } from '../protocol/index.js';
import type { DisplayLine, Segment, Tone } from './display-line.js';
import { itemKey, type SystemLine } from './system-lines.js';
import { safeLine, safeText, textWidth, wrapText } from './terminal-text.js';

/** `HH:MM` in local time, from an ISO timestamp or epoch milliseconds. */
export function formatTime(at: string | number): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '--:--';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `text` names `me` as a word (case-insensitive): the line is highlighted. */
export function mentions(text: string, me: string): boolean {
  if (!me) return false;
  return new RegExp(`(^|[^A-Za-z0-9_.-])${escapeRegExp(me)}($|[^A-Za-z0-9_-])`, 'i').test(text);
}

/**
 * Rows for one entry: `head` on the first row, the body wrapped after it; continuation rows
 * are indented under the body (WeeChat's alignment) when the screen is wide enough.
 */
function wrapped(
  key: string,
  head: Segment[],
  body: string,
  tone: Tone,
  width: number,
  tail?: Segment,
  messageId?: number,
): DisplayLine[] {
  const headWidth = textWidth(head.map((s) => s.text).join(''));
  const indent = width - headWidth >= 20 ? headWidth : 2;
  const first = wrapText(body, Math.max(1, width - headWidth));
  const rows: DisplayLine[] = [];
  const firstRow = first[0] ?? '';
  const rest = wrapText(first.slice(1).join('\n'), Math.max(1, width - indent));
  const bodyRows = first.length > 1 ? [firstRow, ...rest] : [firstRow];
  bodyRows.forEach((text, i) => {
    const segments: Segment[] =
      i === 0 ? [...head, { text, tone }] : [{ text: ' '.repeat(indent) }, { text, tone }];
    rows.push({ key: `${key}:${i}`, segments, ...(messageId === undefined ? {} : { messageId }) });
  });
  if (tail) {
    const last = rows[rows.length - 1];
    const lastWidth = last ? textWidth(last.segments.map((s) => s.text).join('')) : 0;
    if (last && lastWidth + textWidth(tail.text) <= width) last.segments.push(tail);
    else rows.push({ key: `${key}:tail`, segments: [{ text: ' '.repeat(indent) }, tail] });
  }
  return rows;
}

function messageRows(message: Message, me: string, width: number): DisplayLine[] {
  const self = message.username.toLowerCase() === me.toLowerCase();
  const content = safeText(message.content);
  const head: Segment[] = [
    { text: `[${formatTime(message.timestamp)}] `, tone: 'time' },
    { text: `<${message.username}>`, tone: self ? 'self' : 'nick', nick: message.username },
    { text: ' ' },
  ];
  const tone: Tone = !self && mentions(content, me) ? 'mention' : 'text';
  return wrapped(`m:${message.id}`, head, content, tone, width, undefined, message.id);
}

function itemRows(item: TimelineItem, me: string, width: number): DisplayLine[] {
  if (item.kind === 'message') return messageRows(item.message, me, width);
  const head: Segment[] = [
    { text: `[${formatTime(item.timestamp)}] `, tone: 'time' },
    { text: '-!- ', tone: 'notice' },
  ];
  return wrapped(itemKey(item), head, safeLine(item.text), 'notice', width);
}

/** A system line as rows: `[HH:MM] [System] text`. */
export function systemRows(line: SystemLine, width: number): DisplayLine[] {
  const tone: Tone = line.tone === 'error' ? 'error' : 'system';
  const head: Segment[] = [
    { text: `[${formatTime(line.time)}] `, tone: 'time' },
    { text: '[System] ', tone },
  ];
  return wrapped(`s:${line.id}`, head, safeText(line.text), tone, width);
}

function pendingRows(pending: PendingMessage, me: string, width: number): DisplayLine[] {
  const head: Segment[] = [
    { text: `[${formatTime(pending.createdAt)}] `, tone: 'time' },
    { text: `<${me}>`, tone: 'self', nick: me },
    { text: ' ' },
  ];
  const tail: Segment = pending.error
    ? { text: ` (not sent: ${pending.error})`, tone: 'error' }
    : { text: ' (sending...)', tone: 'pending' };
  return wrapped(`p:${pending.clientId}`, head, safeText(pending.content), 'pending', width, tail);
}

export interface TimelineInput {
  roomId: string;
  view: RoomView | undefined;
  system: readonly SystemLine[];
  pending: readonly PendingMessage[];
  me: string;
  width: number;
}

/**
 * Every row of a room's buffer, oldest first: messages and room notices in timeline order,
 * the client's system lines where they were written, then own messages not yet acknowledged.
 */
export function timelineLines(input: TimelineInput): DisplayLine[] {
  const { roomId, view, me } = input;
  const width = Math.max(10, input.width);
  const byAnchor = new Map<string | null, SystemLine[]>();
  for (const line of input.system) {
    if (line.room !== roomId) continue;
    const list = byAnchor.get(line.anchor) ?? [];
    list.push(line);
    byAnchor.set(line.anchor, list);
  }
  const rows: DisplayLine[] = [];
  const emitSystem = (anchor: string | null) => {
    for (const line of byAnchor.get(anchor) ?? []) rows.push(...systemRows(line, width));
    byAnchor.delete(anchor);
  };
  emitSystem(null);
  for (const item of view?.items ?? []) {
    rows.push(...itemRows(item, me, width));
    emitSystem(itemKey(item));
  }
  const orphans = [...byAnchor.values()].flat().sort((a, b) => a.id - b.id);
  for (const line of orphans) rows.push(...systemRows(line, width));
  for (const pending of input.pending) {
    if (pending.room === roomId) rows.push(...pendingRows(pending, me, width));
  }
  return rows;
}
