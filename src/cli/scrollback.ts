/**
 * Scrollback: which rows of a buffer the message area shows. The position is counted from the
 * bottom (`offset` rows hidden below the view), so rows added at the top (older history) do not
 * move the view and 0 always means "follow new messages".
 */
export interface ScrollWindow<T> {
  /** Exactly `height` entries; null pads the top when the buffer is short. */
  rows: (T | null)[];
  /** The offset actually used (clamped). */
  offset: number;
  /** True when the top of the buffer is in view. */
  atTop: boolean;
}

export function maxOffset(total: number, height: number): number {
  return Math.max(0, total - height);
}

export function clampOffset(offset: number, total: number, height: number): number {
  return Math.max(0, Math.min(offset, maxOffset(total, height)));
}

export function scrollWindow<T>(
  rows: readonly T[],
  height: number,
  offset: number,
): ScrollWindow<T> {
  const h = Math.max(1, height);
  const used = clampOffset(offset, rows.length, h);
  const end = rows.length - used;
  const start = Math.max(0, end - h);
  const shown: (T | null)[] = rows.slice(start, end);
  while (shown.length < h) shown.unshift(null);
  return { rows: shown, offset: used, atTop: start === 0 };
}

/** One page back: the view moves up by a screen minus one row of context. */
export function pageUp(offset: number, total: number, height: number): number {
  return clampOffset(offset + Math.max(1, height - 1), total, height);
}

export function pageDown(offset: number, total: number, height: number): number {
  return clampOffset(offset - Math.max(1, height - 1), total, height);
}

/**
 * While scrolled back, rows arriving at the bottom must not move what the reader is looking
 * at: the offset grows by the rows added below. Following (offset 0) stays at 0.
 */
export function keepPosition(offset: number, addedBelow: number): number {
  return offset > 0 ? offset + Math.max(0, addedBelow) : 0;
}

/** The offset that puts the rows before `index` at the bottom of the view (older history). */
export function offsetShowingBefore(index: number, total: number, height: number): number {
  return clampOffset(total - index, total, height);
}

/** How many rows now follow the row that was last before (0 if it is gone or still last). */
export function rowsAddedBelow(rows: readonly { key: string }[], previousLastKey: string | null) {
  if (previousLastKey === null) return 0;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (rows[i]?.key === previousLastKey) return rows.length - 1 - i;
  }
  return 0;
}
