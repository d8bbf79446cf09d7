import type { KeyEvent } from './key-parser.js';

/**
 * The input line's state: its text (as code points, so the cursor never splits a character),
 * the cursor, and the history of submitted lines (Up/Down, like a shell or irssi).
 */
export interface LineEditor {
  chars: string[];
  /** Position in `chars`, 0..chars.length. */
  cursor: number;
  /** Submitted lines, oldest first. */
  history: string[];
  /** Which history entry is shown, or null when editing a fresh line. */
  historyIndex: number | null;
  /** The fresh line put aside while browsing history. */
  draft: string[];
}

export interface EditResult {
  editor: LineEditor;
  /** The line, when Enter was pressed. */
  submitted?: string;
  /** True when the key was one the editor handles (text changed or cursor moved). */
  handled: boolean;
}

export const HISTORY_MAX = 200;

export function emptyEditor(history: string[] = []): LineEditor {
  return { chars: [], cursor: 0, history, historyIndex: null, draft: [] };
}

export function editorText(editor: LineEditor): string {
  return editor.chars.join('');
}

/** An editor holding `text` with the cursor at its end (tests, completion). */
export function editorWith(text: string, cursor?: number): LineEditor {
  const chars = [...text];
  return { ...emptyEditor(), chars, cursor: cursor ?? chars.length };
}

function edit(editor: LineEditor, chars: string[], cursor: number): EditResult {
  return { editor: { ...editor, chars, cursor, historyIndex: null }, handled: true };
}

function move(editor: LineEditor, cursor: number): EditResult {
  return {
    editor: { ...editor, cursor: Math.max(0, Math.min(editor.chars.length, cursor)) },
    handled: true,
  };
}

const isSpace = (c: string | undefined) => c === ' ';

function wordStartBefore(chars: string[], cursor: number): number {
  let i = cursor;
  while (i > 0 && isSpace(chars[i - 1])) i--;
  while (i > 0 && !isSpace(chars[i - 1])) i--;
  return i;
}

function wordEndAfter(chars: string[], cursor: number): number {
  let i = cursor;
  while (i < chars.length && isSpace(chars[i])) i++;
  while (i < chars.length && !isSpace(chars[i])) i++;
  return i;
}

function insert(editor: LineEditor, text: string): EditResult {
  const added = [...text];
  const { chars, cursor } = editor;
  return edit(
    editor,
    [...chars.slice(0, cursor), ...added, ...chars.slice(cursor)],
    cursor + added.length,
  );
}

function browse(editor: LineEditor, direction: -1 | 1): EditResult {
  const { history, historyIndex } = editor;
  if (history.length === 0) return { editor, handled: true };
  if (historyIndex === null) {
    if (direction === 1) return { editor, handled: true };
    const chars = [...(history[history.length - 1] ?? '')];
    return {
      editor: {
        ...editor,
        draft: editor.chars,
        historyIndex: history.length - 1,
        chars,
        cursor: chars.length,
      },
      handled: true,
    };
  }
  const next = historyIndex + direction;
  if (next < 0) return { editor, handled: true };
  if (next >= history.length) {
    const chars = editor.draft;
    return {
      editor: { ...editor, historyIndex: null, chars, cursor: chars.length, draft: [] },
      handled: true,
    };
  }
  const chars = [...(history[next] ?? '')];
  return { editor: { ...editor, historyIndex: next, chars, cursor: chars.length }, handled: true };
}

function submit(editor: LineEditor): EditResult {
  const line = editorText(editor);
  const last = editor.history[editor.history.length - 1];
  const history =
    line.trim() === '' || line === last
      ? editor.history
      : [...editor.history, line].slice(-HISTORY_MAX);
  return { editor: emptyEditor(history), submitted: line, handled: true };
}

/** Applies one key to the editor. Keys it does not handle come back with `handled: false`. */
export function applyKey(editor: LineEditor, key: KeyEvent): EditResult {
  const { chars, cursor } = editor;
  if (key.kind === 'text') return insert(editor, key.text);
  if (key.kind === 'ctrl') {
    switch (key.letter) {
      case 'a':
        return move(editor, 0);
      case 'e':
        return move(editor, chars.length);
      case 'b':
        return move(editor, cursor - 1);
      case 'f':
        return move(editor, cursor + 1);
      case 'd':
        if (cursor >= chars.length) return { editor, handled: true };
        return edit(editor, [...chars.slice(0, cursor), ...chars.slice(cursor + 1)], cursor);
      case 'u':
        return edit(editor, chars.slice(cursor), 0);
      case 'k':
        return edit(editor, chars.slice(0, cursor), cursor);
      case 'w': {
        const start = wordStartBefore(chars, cursor);
        return edit(editor, [...chars.slice(0, start), ...chars.slice(cursor)], start);
      }
      default:
        return { editor, handled: false };
    }
  }
  if (key.kind === 'meta') return { editor, handled: false };
  switch (key.name) {
    case 'enter':
      return submit(editor);
    case 'backspace':
      if (cursor === 0) return { editor, handled: true };
      return edit(editor, [...chars.slice(0, cursor - 1), ...chars.slice(cursor)], cursor - 1);
    case 'delete':
      if (cursor >= chars.length) return { editor, handled: true };
      return edit(editor, [...chars.slice(0, cursor), ...chars.slice(cursor + 1)], cursor);
    case 'wordbackspace': {
      const start = wordStartBefore(chars, cursor);
      return edit(editor, [...chars.slice(0, start), ...chars.slice(cursor)], start);
    }
    case 'left':
      return move(editor, cursor - 1);
    case 'right':
      return move(editor, cursor + 1);
    case 'wordleft':
      return move(editor, wordStartBefore(chars, cursor));
    case 'wordright':
      return move(editor, wordEndAfter(chars, cursor));
    case 'home':
      return move(editor, 0);
    case 'end':
      return move(editor, chars.length);
    case 'up':
      return browse(editor, -1);
    case 'down':
      return browse(editor, 1);
    default:
      return { editor, handled: false };
  }
}

/** Replaces the line (Tab completion): text and cursor, history untouched. */
export function replaceLine(editor: LineEditor, text: string, cursor: number): LineEditor {
  return { ...editor, chars: [...text], cursor, historyIndex: null };
}
