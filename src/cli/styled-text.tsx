import { Text, type TextProps } from 'ink';
import { createContext, useContext } from 'react';
import { nickColor, type Segment, type Tone } from './display-line.js';

/** Whether colours and styles are on (off with NO_COLOR or when stdout is not a terminal). */
export const ColorsContext = createContext(true);

const TONES: Record<Tone, TextProps> = {
  text: {},
  time: { color: 'gray' },
  nick: {},
  self: { bold: true },
  mention: { color: 'yellow', bold: true },
  notice: { color: 'cyan' },
  system: { color: 'yellow' },
  error: { color: 'red' },
  pending: { color: 'gray' },
  bar: { color: 'white', backgroundColor: 'blue' },
};

export function toneProps(segment: Segment): TextProps {
  if (segment.tone === 'nick' && segment.nick) return { color: nickColor(segment.nick) };
  return TONES[segment.tone ?? 'text'];
}

/** One screen row from segments, cut (never wrapped) at the terminal's edge. */
export function StyledRow({ segments }: { segments: readonly Segment[] }) {
  const colors = useContext(ColorsContext);
  if (!colors) {
    return <Text wrap="truncate-end">{segments.map((s) => s.text).join('') || ' '}</Text>;
  }
  return (
    <Text wrap="truncate-end">
      {segments.length === 0 ? ' ' : null}
      {segments.map((segment, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: segments of a row never reorder
        <Text key={i} {...toneProps(segment)}>
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}
