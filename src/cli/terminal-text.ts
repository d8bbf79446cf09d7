/**
 * Text as a terminal shows it: made safe to print, measured in columns, wrapped and cut.
 * Everything the terminal client prints from the network goes through `safeText` first, so a
 * message can never move the cursor, change colours or reorder the line (escape sequences,
 * control characters and bidi overrides become a visible replacement character).
 */

const REPLACEMENT = '\uFFFD';

/** C0/C1 controls (but `\n`), DEL, and the bidi embedding/override/isolate controls. */
function isUnsafe(cp: number): boolean {
  return (
    (cp < 0x20 && cp !== 0x0a) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069)
  );
}

/** The text with tabs as spaces and every control character replaced; `\n` is kept. */
export function safeText(text: string): string {
  let out = '';
  for (const char of text.replace(/\r\n?/g, '\n').replace(/\t/g, '  ')) {
    out += isUnsafe(char.codePointAt(0) ?? 0) ? REPLACEMENT : char;
  }
  return out;
}

/** The text on one line: like `safeText`, and line breaks become spaces. */
export function safeLine(text: string): string {
  return safeText(text).replace(/\n/g, ' ');
}

const COMBINING = /^\p{M}$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

/** Columns one code point takes: 0 for combining marks, 2 for East Asian wide and emoji. */
export function charWidth(char: string): number {
  const cp = char.codePointAt(0) ?? 0;
  if (cp === 0) return 0;
  if ((cp >= 0x200b && cp <= 0x200f) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (COMBINING.test(char) && !/^\p{Mc}$/u.test(char)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd) ||
    (cp >= 0x1f000 && PICTOGRAPH.test(char))
  ) {
    return 2;
  }
  return 1;
}

/** Columns a (single-line, safe) string takes. */
export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

/** The longest start of `text` that fits in `width` columns. */
export function fitWidth(text: string, width: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const w = charWidth(char);
    if (used + w > width) break;
    used += w;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Cuts a line to `width` columns, marking the cut with `...`. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (textWidth(text) <= width) return text;
  if (width <= 3) return fitWidth(text, width);
  return `${fitWidth(text, width - 3)}...`;
}

/** Pads a line with spaces to exactly `width` columns (cutting it if longer). */
export function padTo(text: string, width: number): string {
  const fitted = textWidth(text) > width ? fitWidth(text, width) : text;
  return fitted + ' '.repeat(Math.max(0, width - textWidth(fitted)));
}

/**
 * Word-wraps safe text to `width` columns: breaks at spaces, cuts words longer than a line,
 * keeps explicit line breaks. Always returns at least one (possibly empty) line.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const word of paragraph.split(/( +)/)) {
      if (word === '') continue;
      const wordWidth = textWidth(word);
      if (lineWidth + wordWidth <= w) {
        line += word;
        lineWidth += wordWidth;
        continue;
      }
      if (/^ +$/.test(word)) {
        // Spaces at a break are dropped.
        lines.push(line);
        line = '';
        lineWidth = 0;
        continue;
      }
      if (lineWidth > 0 && wordWidth <= w) {
        lines.push(line.trimEnd());
        line = word;
        lineWidth = wordWidth;
        continue;
      }
      // A word longer than the room left: cut it across lines.
      let rest = word;
      while (rest.length > 0) {
        const piece =
          fitWidth(rest, w - lineWidth) || (lineWidth === 0 ? ([...rest][0] ?? '') : '');
        if (piece === '') {
          lines.push(line);
          line = '';
          lineWidth = 0;
          continue;
        }
        line += piece;
        lineWidth += textWidth(piece);
        rest = rest.slice(piece.length);
        if (rest.length > 0) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
      }
    }
    lines.push(line);
  }
  return lines;
}
