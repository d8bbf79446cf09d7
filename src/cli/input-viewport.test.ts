import { describe, expect, it } from 'vitest';
import { inputViewport } from './input-viewport.js';

const chars = (s: string) => [...s];

describe('inputViewport', () => {
  it('shows a short line whole, the cursor where it is', () => {
    expect(inputViewport(chars('hello'), 5, 20)).toEqual({ visible: 'hello', cursorX: 5 });
    expect(inputViewport(chars('hello'), 2, 20)).toEqual({ visible: 'hello', cursorX: 2 });
  });

  it('scrolls a long line so the cursor stays in view', () => {
    const text = chars('abcdefghijklmnopqrstuvwxyz');
    const end = inputViewport(text, 26, 10);
    expect(end).toEqual({ visible: 'rstuvwxyz', cursorX: 9 });
    const start = inputViewport(text, 0, 10);
    expect(start).toEqual({ visible: 'abcdefghij', cursorX: 0 });
  });

  it('masks passwords', () => {
    expect(inputViewport(chars('secret'), 6, 20, '*')).toEqual({ visible: '******', cursorX: 6 });
  });

  it('counts wide characters as two columns', () => {
    expect(inputViewport(chars('日本'), 2, 20)).toEqual({ visible: '日本', cursorX: 4 });
  });

  it('never shows control characters', () => {
    expect(inputViewport(chars('a\u001Bb'), 3, 20).visible).toBe('a\uFFFDb');
  });
});
