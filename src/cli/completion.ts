import { compareUsernames } from '../protocol/index.js';
import { COMMAND_WORDS } from './command-parser.js';

export interface Completion {
  text: string;
  /** Cursor position in code points. */
  cursor: number;
}

function commonPrefix(words: readonly string[]): string {
  const [first, ...rest] = words;
  if (first === undefined) return '';
  let prefix = first;
  for (const word of rest) {
    while (!word.toLowerCase().startsWith(prefix.toLowerCase())) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/**
 * Tab completion for the word before the cursor: command names after a leading `/`, else
 * usernames (a name completed at the start of the line gets `: `, as on IRC). A unique match
 * is completed with its separator; several complete to their common prefix.
 */
export function complete(
  chars: readonly string[],
  cursor: number,
  names: readonly string[],
): Completion | null {
  const before = chars.slice(0, cursor).join('');
  const after = chars.slice(cursor).join('');
  const start = before.search(/\S*$/);
  const word = before.slice(start);
  if (word === '') return null;
  const isCommand = start === 0 && word.startsWith('/');
  const stem = isCommand ? word.slice(1) : word.replace(/^@/, '');
  const sigil = isCommand ? '/' : word.startsWith('@') ? '@' : '';
  const pool = isCommand ? COMMAND_WORDS : [...new Set(names)].sort(compareUsernames);
  const found = pool.filter((name) => name.toLowerCase().startsWith(stem.toLowerCase()));
  if (found.length === 0) return null;
  const unique = found.length === 1;
  const completed = unique ? (found[0] ?? stem) : stem + commonPrefix(found).slice(stem.length);
  if (!unique && completed.length <= stem.length) return null;
  const separator = !unique ? '' : isCommand || start > 0 || sigil ? ' ' : ': ';
  const head = before.slice(0, start) + sigil + completed + separator;
  const text = head + (separator && after.startsWith(' ') ? after.slice(1) : after);
  return { text, cursor: [...head].length };
}
