import type { TimelineItem } from '../client/index.js';

/**
 * Lines the terminal client adds to a room's buffer itself: command output, errors, and the
 * connection notices ("[System] Disconnected from server"). Each is anchored after the item
 * that was last in the room when it was written, so it stays where it appeared while messages
 * synced later land after it.
 */
export interface SystemLine {
  id: number;
  room: string;
  /** `itemKey` of the item it follows, or null for the top of the buffer. */
  anchor: string | null;
  /** When it was written (ms). */
  time: number;
  text: string;
  tone: 'info' | 'error';
}

export const SYSTEM_LINES_MAX = 2000;

/** A timeline item's identity: `m:<message id>` or `n:<notice key>`. */
export function itemKey(item: TimelineItem): string {
  return item.kind === 'message' ? `m:${item.message.id}` : `n:${item.key}`;
}

/** The anchor for a line written now: the last item of the room's timeline. */
export function anchorOf(items: readonly TimelineItem[] | undefined): string | null {
  const last = items?.[items.length - 1];
  return last ? itemKey(last) : null;
}

export function addSystemLines(
  lines: readonly SystemLine[],
  entry: Omit<SystemLine, 'id' | 'text'>,
  texts: readonly string[],
): SystemLine[] {
  let id = lines[lines.length - 1]?.id ?? 0;
  const added = texts.map((text) => ({ ...entry, id: ++id, text }));
  return [...lines, ...added].slice(-SYSTEM_LINES_MAX);
}
