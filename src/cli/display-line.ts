/**
 * One row of the screen as data: text segments with a tone. Components turn tones into colours
 * (or into nothing when colours are off); everything that decides what a row says is pure.
 */
export type Tone =
  | 'text'
  | 'time'
  | 'nick'
  | 'self'
  | 'mention'
  | 'notice'
  | 'system'
  | 'error'
  | 'pending'
  | 'bar';

export interface Segment {
  text: string;
  tone?: Tone;
  /** For `nick`: whose name, so each person keeps one colour. */
  nick?: string;
}

export interface DisplayLine {
  key: string;
  segments: Segment[];
  /** The message this row belongs to (scrolling to a message). */
  messageId?: number;
}

const NICK_COLORS = ['cyan', 'green', 'yellow', 'magenta', 'blue', 'red'] as const;
export type NickColor = (typeof NICK_COLORS)[number];

/** A stable colour per username (case-insensitive), like WeeChat's nick colours. */
export function nickColor(name: string): NickColor {
  let hash = 0;
  for (const char of name.toLowerCase()) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return NICK_COLORS[hash % NICK_COLORS.length] ?? 'cyan';
}

/** The row as plain text (tests, piped output, the screenshot). */
export function plainText(line: DisplayLine | Segment[]): string {
  const segments = Array.isArray(line) ? line : line.segments;
  return segments.map((s) => s.text).join('');
}
