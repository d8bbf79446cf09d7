import { describe, expect, it } from 'vitest';
import {
  clampOffset,
  keepPosition,
  offsetShowingBefore,
  pageDown,
  pageUp,
  rowsAddedBelow,
  scrollWindow,
} from './scrollback.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('scrollback', () => {
  it('shows the newest rows, padding the top of a short buffer', () => {
    expect(scrollWindow(rows(3), 5, 0)).toEqual({
      rows: [null, null, 0, 1, 2],
      offset: 0,
      atTop: true,
    });
    expect(scrollWindow(rows(10), 3, 0)).toEqual({ rows: [7, 8, 9], offset: 0, atTop: false });
  });

  it('scrolls back by offset from the bottom, clamped to the buffer', () => {
    expect(scrollWindow(rows(10), 3, 2).rows).toEqual([5, 6, 7]);
    expect(scrollWindow(rows(10), 3, 99)).toEqual({ rows: [0, 1, 2], offset: 7, atTop: true });
    expect(clampOffset(-5, 10, 3)).toBe(0);
  });

  it('pages by a screen minus one row', () => {
    expect(pageUp(0, 100, 20)).toBe(19);
    expect(pageUp(90, 100, 20)).toBe(80);
    expect(pageDown(19, 100, 20)).toBe(0);
    expect(pageDown(5, 100, 20)).toBe(0);
  });

  it('holds the view still while rows arrive below, and follows when at the end', () => {
    expect(keepPosition(10, 3)).toBe(13);
    expect(keepPosition(0, 3)).toBe(0);
    const before = [{ key: 'a' }, { key: 'b' }];
    expect(rowsAddedBelow([...before, { key: 'c' }, { key: 'd' }], 'b')).toBe(2);
    expect(rowsAddedBelow([{ key: 'z' }, ...before], 'b')).toBe(0); // added above
    expect(rowsAddedBelow(before, null)).toBe(0);
  });

  it('shows the rows before a given one (older history)', () => {
    // 100 rows, older page is rows 0..49: show 30..49 in a 20-row view.
    expect(offsetShowingBefore(50, 100, 20)).toBe(50);
    expect(scrollWindow(rows(100), 20, 50).rows.at(-1)).toBe(49);
  });
});
