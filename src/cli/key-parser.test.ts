import { describe, expect, it } from 'vitest';
import { parseKeys } from './key-parser.js';

const key = (name: string) => ({ kind: 'key', name });

describe('parseKeys', () => {
  it('returns typed and pasted text as text', () => {
    expect(parseKeys('a')).toEqual([{ kind: 'text', text: 'a' }]);
    expect(parseKeys('héllo wörld ✓')).toEqual([{ kind: 'text', text: 'héllo wörld ✓' }]);
  });

  it('splits text from the control keys in the same chunk', () => {
    expect(parseKeys('hello\rsecret\r')).toEqual([
      { kind: 'text', text: 'hello' },
      key('enter'),
      { kind: 'text', text: 'secret' },
      key('enter'),
    ]);
    expect(parseKeys('ab\u007Fc')).toEqual([
      { kind: 'text', text: 'ab' },
      key('backspace'),
      { kind: 'text', text: 'c' },
    ]);
  });

  it('counts \\r\\n as one Enter', () => {
    expect(parseKeys('a\r\nb\n')).toEqual([
      { kind: 'text', text: 'a' },
      key('enter'),
      { kind: 'text', text: 'b' },
      key('enter'),
    ]);
  });

  it('tells Backspace (DEL, ^H) from Delete (ESC [3~)', () => {
    expect(parseKeys('\u007F')).toEqual([key('backspace')]);
    expect(parseKeys('\b')).toEqual([key('backspace')]);
    expect(parseKeys('\u001B[3~')).toEqual([key('delete')]);
  });

  it('reads Ctrl+letters', () => {
    expect(parseKeys('\u0003')).toEqual([{ kind: 'ctrl', letter: 'c' }]);
    expect(parseKeys('\u0001\u0005')).toEqual([
      { kind: 'ctrl', letter: 'a' },
      { kind: 'ctrl', letter: 'e' },
    ]);
    expect(parseKeys('\t')).toEqual([key('tab')]);
  });

  it('reads arrows, Home/End and PageUp/PageDown in their common encodings', () => {
    expect(parseKeys('\u001B[A')).toEqual([key('up')]);
    expect(parseKeys('\u001BOB')).toEqual([key('down')]);
    expect(parseKeys('\u001B[C')).toEqual([key('right')]);
    expect(parseKeys('\u001B[D')).toEqual([key('left')]);
    for (const home of ['\u001B[H', '\u001BOH', '\u001B[1~', '\u001B[7~']) {
      expect(parseKeys(home)).toEqual([key('home')]);
    }
    for (const end of ['\u001B[F', '\u001BOF', '\u001B[4~', '\u001B[8~']) {
      expect(parseKeys(end)).toEqual([key('end')]);
    }
    expect(parseKeys('\u001B[5~')).toEqual([key('pageup')]);
    expect(parseKeys('\u001B[6~')).toEqual([key('pagedown')]);
  });

  it('reads word movement and deletion', () => {
    expect(parseKeys('\u001B[1;5D')).toEqual([key('wordleft')]);
    expect(parseKeys('\u001B[1;3C')).toEqual([key('wordright')]);
    expect(parseKeys('\u001Bb')).toEqual([key('wordleft')]);
    expect(parseKeys('\u001B\u007F')).toEqual([key('wordbackspace')]);
    expect(parseKeys('\u001B[1;2A')).toEqual([key('up')]);
  });

  it('reads Escape and Alt+character', () => {
    expect(parseKeys('\u001B')).toEqual([key('escape')]);
    expect(parseKeys('\u001B2')).toEqual([{ kind: 'meta', char: '2' }]);
  });

  it('drops sequences it does not know instead of typing them', () => {
    expect(parseKeys('\u001B[200~')).toEqual([]);
    expect(parseKeys('\u001B[?1;2c')).toEqual([]);
    expect(parseKeys('\u0000')).toEqual([]);
  });
});
