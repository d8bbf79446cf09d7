/**
 * Terminal input → key events. Ink hands us its input split into chunks (one escape sequence,
 * or a run of plain characters that may hold control keys: typing fast or pasting gives
 * `hello\r`). We parse them ourselves so Backspace (DEL) and Delete (ESC[3~) stay apart and a
 * pasted line followed by Enter is inserted, then submitted.
 */

export type KeyName =
  | 'enter'
  | 'tab'
  | 'backspace'
  | 'delete'
  | 'escape'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'pageup'
  | 'pagedown'
  | 'wordleft'
  | 'wordright'
  | 'wordbackspace';

export type KeyEvent =
  /** Printable text (one key or a paste), never containing control characters. */
  | { kind: 'text'; text: string }
  | { kind: 'key'; name: KeyName }
  /** Ctrl + a letter (`c` for Ctrl+C). */
  | { kind: 'ctrl'; letter: string }
  /** Alt/Meta + a printable character (`1` for Alt+1). */
  | { kind: 'meta'; char: string };

const ESC = '\u001B';

/** CSI / SS3 sequences (without the leading ESC), modifiers stripped by `csiKey`. */
const SEQUENCES: Record<string, KeyName> = {
  '[A': 'up',
  '[B': 'down',
  '[C': 'right',
  '[D': 'left',
  '[H': 'home',
  '[F': 'end',
  OA: 'up',
  OB: 'down',
  OC: 'right',
  OD: 'left',
  OH: 'home',
  OF: 'end',
  OM: 'enter',
  '[1~': 'home',
  '[7~': 'home',
  '[4~': 'end',
  '[8~': 'end',
  '[3~': 'delete',
  '[5~': 'pageup',
  '[6~': 'pagedown',
  '[[5~': 'pageup',
  '[[6~': 'pagedown',
  '[Z': 'tab',
};

function csiKey(body: string): KeyEvent[] {
  const plain = SEQUENCES[body];
  if (plain) return [{ kind: 'key', name: plain }];
  // With modifiers: ESC [ 1 ; <mod> X  or  ESC [ <n> ; <mod> ~
  const modified = /^\[(\d+);(\d+)([A-Za-z~])$/.exec(body);
  if (!modified) return [];
  const [, number, mod, final] = modified;
  const ctrlOrAlt = ((Number(mod) - 1) & 0b110) !== 0;
  const base = final === '~' ? SEQUENCES[`[${number}~`] : SEQUENCES[`[${final}`];
  if (!base) return [];
  if (ctrlOrAlt && base === 'left') return [{ kind: 'key', name: 'wordleft' }];
  if (ctrlOrAlt && base === 'right') return [{ kind: 'key', name: 'wordright' }];
  return [{ kind: 'key', name: base }];
}

function escapeKey(sequence: string): KeyEvent[] {
  const body = sequence.slice(1);
  if (body === '') return [{ kind: 'key', name: 'escape' }];
  if (body.startsWith('[') || (body.startsWith('O') && body.length === 2)) return csiKey(body);
  if (body.startsWith(ESC)) return escapeKey(body); // ESC ESC [A: Alt+arrow on some terminals
  if (body === '\u007F' || body === '\b') return [{ kind: 'key', name: 'wordbackspace' }];
  if (body === '\r') return [{ kind: 'key', name: 'enter' }];
  if (body === 'b') return [{ kind: 'key', name: 'wordleft' }];
  if (body === 'f') return [{ kind: 'key', name: 'wordright' }];
  const chars = [...body];
  if (chars.length === 1 && (chars[0] ?? '') >= ' ') return [{ kind: 'meta', char: body }];
  return [];
}

function controlKey(char: string): KeyEvent | null {
  switch (char) {
    case '\r':
    case '\n':
      return { kind: 'key', name: 'enter' };
    case '\t':
      return { kind: 'key', name: 'tab' };
    case '\u007F':
    case '\b':
      return { kind: 'key', name: 'backspace' };
    default: {
      const code = char.charCodeAt(0);
      if (code >= 1 && code <= 26) return { kind: 'ctrl', letter: String.fromCharCode(code + 96) };
      return null;
    }
  }
}

function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0);
}

/** One chunk of terminal input → the keys it holds, in order. Unknown sequences are dropped. */
export function parseKeys(chunk: string): KeyEvent[] {
  if (chunk.startsWith(ESC)) return escapeKey(chunk);
  const events: KeyEvent[] = [];
  let text = '';
  const flush = () => {
    if (text) events.push({ kind: 'text', text });
    text = '';
  };
  let previous = '';
  for (const char of chunk) {
    const after = previous;
    previous = char;
    if (!isControl(char)) {
      text += char;
      continue;
    }
    flush();
    // A terminal may send \r\n for one Enter (pastes): one submit, not two.
    if (char === '\n' && after === '\r') continue;
    const key = controlKey(char);
    if (key) events.push(key);
  }
  flush();
  return events;
}
