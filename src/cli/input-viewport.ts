import { charWidth, safeLine } from './terminal-text.js';

export interface InputViewport {
  /** What to print after the prompt (fits the width). */
  visible: string;
  /** The cursor's column, counted from the start of `visible`. */
  cursorX: number;
}

/**
 * The part of a long input line shown in `width` columns: all of it when it fits, otherwise
 * scrolled horizontally so the cursor stays on screen. `mask` hides every character (passwords).
 */
export function inputViewport(
  chars: readonly string[],
  cursor: number,
  width: number,
  mask?: string,
): InputViewport {
  const shown = chars.map((c) => (mask === undefined ? safeLine(c) : mask));
  const widths = shown.map((c) => charWidth(c));
  const room = Math.max(1, width - 1); // one column for the cursor past the last character
  let start = 0;
  let beforeCursor = 0;
  for (let i = 0; i < cursor; i++) beforeCursor += widths[i] ?? 0;
  while (beforeCursor > room && start < cursor) {
    beforeCursor -= widths[start] ?? 0;
    start++;
  }
  let visible = '';
  let used = 0;
  for (let i = start; i < shown.length; i++) {
    const w = widths[i] ?? 0;
    if (used + w > width) break;
    visible += shown[i];
    used += w;
  }
  return { visible, cursorX: beforeCursor };
}
