import { describe, expect, it } from 'vitest';
import {
  charWidth,
  fitWidth,
  padTo,
  safeLine,
  safeText,
  textWidth,
  truncate,
  wrapText,
} from './terminal-text.js';

describe('terminal text', () => {
  it('neutralizes escape sequences, control characters and bidi overrides', () => {
    expect(safeText('a\u001B[2Jb')).toBe('a\uFFFD[2Jb');
    expect(safeText('bell\u0007 del\u007F c1\u009B')).toBe('bell\uFFFD del\uFFFD c1\uFFFD');
    expect(safeText('evil\u202Egnp.exe')).toBe('evil\uFFFDgnp.exe');
    expect(safeText('tab\there')).toBe('tab  here');
    expect(safeText('line\r\nbreak\rs')).toBe('line\nbreak\ns');
    expect(safeLine('two\nlines')).toBe('two lines');
  });

  it('measures columns: wide characters take two, combining marks none', () => {
    expect(textWidth('abc')).toBe(3);
    expect(textWidth('日本')).toBe(4);
    expect(textWidth('😀')).toBe(2);
    expect(textWidth('e\u0301')).toBe(1);
    expect(charWidth('\u200B')).toBe(0);
  });

  it('fits, truncates and pads by columns', () => {
    expect(fitWidth('日本語', 5)).toBe('日本');
    expect(truncate('hello world', 8)).toBe('hello...');
    expect(truncate('short', 8)).toBe('short');
    expect(truncate('abcdef', 2)).toBe('ab');
    expect(padTo('ab', 4)).toBe('ab  ');
    expect(padTo('abcdef', 4)).toBe('abcd');
    expect(textWidth(padTo('日本語', 5))).toBe(5);
  });

  it('wraps at spaces, cuts words longer than a line, keeps line breaks', () => {
    expect(wrapText('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapText('one\ntwo', 10)).toEqual(['one', 'two']);
    expect(wrapText('', 10)).toEqual(['']);
    expect(wrapText('a b', 1)).toEqual(['a', 'b']);
    expect(wrapText('日本語です', 4)).toEqual(['日本', '語で', 'す']);
    for (const line of wrapText('lorem ipsum dolor sit amet consectetur', 7)) {
      expect(textWidth(line)).toBeLessThanOrEqual(7);
    }
  });
});
