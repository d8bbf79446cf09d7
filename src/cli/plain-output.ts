import type { Message } from '../protocol/index.js';
import { safeText } from './terminal-text.js';
import { formatTime } from './timeline-lines.js';

/**
 * A message as one plain line for pipelines: `[HH:MM] user: text`. A message with line
 * breaks continues on lines indented by two spaces, so every line starting with `[` is a new
 * message.
 */
export function plainMessageLine(message: Message): string {
  const text = safeText(message.content).replace(/\n/g, '\n  ');
  return `[${formatTime(message.timestamp)}] ${message.username}: ${text}`;
}

/** A client notice as printed on stderr in piped mode. */
export function plainNoticeLine(text: string): string {
  return `[System] ${safeText(text)}`;
}
