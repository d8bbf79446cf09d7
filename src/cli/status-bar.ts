import {
  type ChatState,
  type ConnectionStatus,
  roomTitle,
  sortedRooms,
  typingUsers,
} from '../client/index.js';
import { safeLine, truncate } from './terminal-text.js';

/** `alice is typing...`, `alice and bob are typing...`, `3 people are typing...`. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing...`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing...`;
  return `${names.length} people are typing...`;
}

const STATUS_WORDS: Record<ConnectionStatus, string> = {
  connecting: 'connecting...',
  connected: 'connected',
  reconnecting: 'reconnecting...',
  disconnected: 'disconnected',
  failed: 'disconnected',
};

export function connectionText(status: ConnectionStatus): string {
  return STATUS_WORDS[status];
}

/** The server as shown in the status bar: host and port, no scheme. */
export function serverLabel(serverUrl: string): string {
  try {
    const url = new URL(serverUrl);
    return url.pathname === '/' ? url.host : `${url.host}${url.pathname}`;
  } catch {
    return serverUrl;
  }
}

/** How a room is shown: `#general`, `@bob` for a direct room, the group's name. */
export function roomLabel(state: ChatState, roomId: string): string {
  const view = state.rooms[roomId];
  return view ? safeLine(roomTitle(view.room, state.me)) : roomId;
}

/** Other rooms with unread messages, WeeChat's hotlist: `#random(3) @bob(1)`. */
export function activityText(state: ChatState): string {
  return sortedRooms(state)
    .filter((v) => v.room.id !== state.current && v.unread > 0)
    .map((v) => `${safeLine(roomTitle(v.room, state.me))}(${v.unread})`)
    .join(' ');
}

export interface StatusInput {
  state: ChatState;
  now: number;
  /** Rows below the bottom of the view (scrolled back), 0 when following. */
  below: number;
  width: number;
}

/**
 * The status bar: `[server] [me] [#room] [connection] typing... | Act: #random(2) | -MORE-`,
 * cut to the width. The important parts come first so a narrow terminal keeps them.
 */
export function statusText({ state, now, below, width }: StatusInput): string {
  const parts = [
    `[${serverLabel(state.serverUrl)}]`,
    `[${state.me}]`,
    `[${roomLabel(state, state.current)}]`,
    `[${connectionText(state.status)}]`,
  ];
  if (below > 0) parts.push(`-MORE(${below})-`);
  const typing = typingText(typingUsers(state.rooms[state.current], now));
  if (typing) parts.push(typing);
  const activity = activityText(state);
  if (activity) parts.push(`Act: ${activity}`);
  return truncate(parts.join(' '), width);
}

/** The title bar: the room, who is in it, and the server's announcement. */
export function titleText(state: ChatState, width: number): string {
  const view = state.rooms[state.current];
  const label = roomLabel(state, state.current);
  let text = `Chatroom: ${label}`;
  if (view && view.users.length > 0) {
    text += ` (${view.users.length} here: ${view.users.join(', ')})`;
  }
  if (state.announcement.trim()) text += ` | ${safeLine(state.announcement.trim())}`;
  return truncate(text, width);
}
