import { describe, expect, it } from 'vitest';
import type { KeyEvent } from './key-parser.js';
import {
  applyKey,
  editorText,
  editorWith,
  emptyEditor,
  HISTORY_MAX,
  type LineEditor,
} from './line-editor.js';

const text = (t: string): KeyEvent => ({ kind: 'text', text: t });
const key = (name: string) => ({ kind: 'key', name }) as KeyEvent;
const ctrl = (letter: string): KeyEvent => ({ kind: 'ctrl', letter });

function press(editor: LineEditor, ...keys: KeyEvent[]) {
  let current = editor;
  const submitted: string[] = [];
  for (const k of keys) {
    const r = applyKey(current, k);
    current = r.editor;
    if (r.submitted !== undefined) submitted.push(r.submitted);
  }
  return { editor: current, submitted };
}

describe('line editor', () => {
  it('inserts at the cursor and moves it', () => {
    const { editor } = press(emptyEditor(), text('helo'), key('left'), text('l'));
    expect(editorText(editor)).toBe('hello');
    expect(editor.cursor).toBe(4);
  });

  it('never splits a character made of two UTF-16 units', () => {
    const { editor } = press(emptyEditor(), text('a😀b'), key('left'), key('backspace'));
    expect(editorText(editor)).toBe('ab');
    expect(editor.cursor).toBe(1);
  });

  it('deletes backwards, forwards, words and to either end', () => {
    const start = editorWith('one two three', 8); // before "three"
    expect(editorText(press(start, key('backspace')).editor)).toBe('one twothree');
    expect(editorText(press(start, key('delete')).editor)).toBe('one two hree');
    expect(editorText(press(start, ctrl('d')).editor)).toBe('one two hree');
    expect(editorText(press(start, ctrl('w')).editor)).toBe('one three');
    expect(editorText(press(start, key('wordbackspace')).editor)).toBe('one three');
    expect(editorText(press(start, ctrl('u')).editor)).toBe('three');
    expect(editorText(press(start, ctrl('k')).editor)).toBe('one two ');
  });

  it('moves by character, word and to both ends', () => {
    const start = editorWith('one two three', 5);
    expect(press(start, key('home')).editor.cursor).toBe(0);
    expect(press(start, ctrl('a')).editor.cursor).toBe(0);
    expect(press(start, key('end')).editor.cursor).toBe(13);
    expect(press(start, ctrl('e')).editor.cursor).toBe(13);
    expect(press(start, key('wordleft')).editor.cursor).toBe(4);
    expect(press(start, key('wordright')).editor.cursor).toBe(7);
    expect(press(editorWith('ab', 0), key('left')).editor.cursor).toBe(0);
    expect(press(editorWith('ab'), key('right')).editor.cursor).toBe(2);
  });

  it('submits on Enter, clears the line and remembers it', () => {
    const { editor, submitted } = press(emptyEditor(), text('hello'), key('enter'));
    expect(submitted).toEqual(['hello']);
    expect(editorText(editor)).toBe('');
    expect(editor.history).toEqual(['hello']);
  });

  it('submits blank lines too (the caller refuses them) but does not remember them', () => {
    const { editor, submitted } = press(emptyEditor(), text('  '), key('enter'));
    expect(submitted).toEqual(['  ']);
    expect(editor.history).toEqual([]);
  });

  it('browses history with Up/Down and gives back the line being typed', () => {
    let { editor } = press(
      emptyEditor(),
      text('first'),
      key('enter'),
      text('second'),
      key('enter'),
    );
    editor = press(editor, text('draft')).editor;
    editor = press(editor, key('up')).editor;
    expect(editorText(editor)).toBe('second');
    editor = press(editor, key('up'), key('up')).editor;
    expect(editorText(editor)).toBe('first');
    editor = press(editor, key('down')).editor;
    expect(editorText(editor)).toBe('second');
    editor = press(editor, key('down')).editor;
    expect(editorText(editor)).toBe('draft');
    expect(editor.cursor).toBe(5);
  });

  it('can edit a line from history and send it', () => {
    const first = press(emptyEditor(), text('helo'), key('enter')).editor;
    const { submitted, editor } = press(first, key('up'), key('left'), text('l'), key('enter'));
    expect(submitted).toEqual(['hello']);
    expect(editor.history).toEqual(['helo', 'hello']);
  });

  it('does not repeat the same line in history and keeps it bounded', () => {
    let editor = emptyEditor();
    for (let i = 0; i < HISTORY_MAX + 10; i++) {
      editor = press(
        editor,
        text(`line ${i}`),
        key('enter'),
        text(`line ${i}`),
        key('enter'),
      ).editor;
    }
    expect(editor.history).toHaveLength(HISTORY_MAX);
    expect(editor.history.at(-1)).toBe(`line ${HISTORY_MAX + 9}`);
  });

  it('reports keys it does not handle', () => {
    expect(applyKey(emptyEditor(), key('pageup')).handled).toBe(false);
    expect(applyKey(emptyEditor(), ctrl('c')).handled).toBe(false);
    expect(applyKey(emptyEditor(), { kind: 'meta', char: '1' }).handled).toBe(false);
  });
});
