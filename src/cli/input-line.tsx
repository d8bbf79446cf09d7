import { Text, useCursor } from 'ink';
import { memo, useContext, useRef, useState } from 'react';
import { complete } from './completion.js';
import { inputViewport } from './input-viewport.js';
import type { KeyEvent } from './key-parser.js';
import { applyKey, editorText, emptyEditor, type LineEditor, replaceLine } from './line-editor.js';
import { ColorsContext } from './styled-text.js';
import { textWidth } from './terminal-text.js';
import { useKeys } from './use-keys.js';

export interface EditLineProps {
  prompt: string;
  editor: LineEditor;
  /** Columns available for the whole line. */
  width: number;
  /** The row this line occupies in the frame (for the terminal cursor). */
  row: number;
  /** The column the line starts at in the frame (padding before it). */
  left?: number;
  /** Replaces every character on screen (passwords). */
  mask?: string;
  /** Whether the terminal cursor sits on this line. */
  focused?: boolean;
}

/** A prompt and the text being edited, scrolled to keep the real terminal cursor on screen. */
export function EditLine({
  prompt,
  editor,
  width,
  row,
  left = 0,
  mask,
  focused = true,
}: EditLineProps) {
  const colors = useContext(ColorsContext);
  const { setCursorPosition } = useCursor();
  const promptWidth = textWidth(prompt);
  const view = inputViewport(editor.chars, editor.cursor, Math.max(1, width - promptWidth), mask);
  setCursorPosition(focused ? { x: left + promptWidth + view.cursorX, y: row } : undefined);
  return (
    <Text wrap="truncate-end">
      <Text bold={colors}>{prompt}</Text>
      {view.visible}
    </Text>
  );
}

export interface InputLineProps {
  prompt: string;
  width: number;
  row: number;
  onSubmit: (line: string) => void;
  /** Called after each change of the text (typing indicator). */
  onEdit?: (text: string) => void;
  /** Keys the editor does not use (PageUp, Ctrl+C, ...). */
  onOtherKey?: (key: KeyEvent) => void;
  /** Names Tab completes (usernames). */
  completions?: () => readonly string[];
}

/**
 * The chat's input line. It owns its text, cursor and history, so whatever else re-renders
 * (incoming messages, typing notices) never touches what is being typed.
 */
export const InputLine = memo(function InputLine(props: InputLineProps) {
  const editor = useRef<LineEditor>(emptyEditor());
  const [, setVersion] = useState(0);
  const latest = useRef(props);
  latest.current = props;

  useKeys((key) => {
    const p = latest.current;
    if (key.kind === 'key' && key.name === 'tab') {
      const done = complete(editor.current.chars, editor.current.cursor, p.completions?.() ?? []);
      if (done) {
        editor.current = replaceLine(editor.current, done.text, done.cursor);
        setVersion((v) => v + 1);
        p.onEdit?.(editorText(editor.current));
      }
      return;
    }
    const before = editor.current.chars;
    const result = applyKey(editor.current, key);
    editor.current = result.editor;
    if (!result.handled) {
      p.onOtherKey?.(key);
      return;
    }
    setVersion((v) => v + 1);
    if (result.submitted !== undefined) p.onSubmit(result.submitted);
    else if (result.editor.chars !== before) p.onEdit?.(editorText(result.editor));
  });

  return (
    <EditLine prompt={props.prompt} editor={editor.current} width={props.width} row={props.row} />
  );
});
