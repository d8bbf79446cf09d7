import { type ChatState, roomTitle, sortedRooms } from '../client/index.js';
import { safeLine } from './terminal-text.js';

export type RoomLookup = { ok: true; roomId: string } | { ok: false; message: string };

/**
 * Finds one of the user's rooms from what they typed: its number in `/rooms`, `#name` or
 * `name`, `@user` or `user` for a direct room, a group's name, or a room id.
 */
export function findRoom(state: ChatState, query: string): RoomLookup {
  const rooms = sortedRooms(state);
  const q = query.trim();
  const notFound = { ok: false, message: `No such room: ${q} (see /rooms)` } as const;
  if (q === '') return notFound;
  if (/^\d+$/.test(q)) {
    const view = rooms[Number(q) - 1];
    return view ? { ok: true, roomId: view.room.id } : notFound;
  }
  const lower = q.toLowerCase();
  const bare = lower.replace(/^[#@]/, '');
  const matches = [
    (id: string) => id === lower || id === bare,
    (_: string, title: string) => title === lower,
    (_: string, title: string) => title.replace(/^[#@]/, '') === bare,
  ];
  for (const match of matches) {
    const found = rooms.find((v) => match(v.room.id, roomTitle(v.room, state.me).toLowerCase()));
    if (found) return { ok: true, roomId: found.room.id };
  }
  return notFound;
}

/** `/rooms`: one line per room, numbered, with unread counts and the current one marked. */
export function roomsListing(state: ChatState): string[] {
  const rooms = sortedRooms(state);
  if (rooms.length === 0) return ['You are not in any room (try /join general)'];
  return [
    `Your rooms (${rooms.length}):`,
    ...rooms.map((view, i) => {
      const title = safeLine(roomTitle(view.room, state.me));
      const kind = view.room.kind === 'public' ? '' : ` (${view.room.kind})`;
      const unread = view.unread > 0 ? `, ${view.unread} unread` : '';
      const current = view.room.id === state.current ? '  <- current' : '';
      return `  ${i + 1}. ${title}${kind}${unread}${current}`;
    }),
  ];
}

/** `/users`: who is online. */
export function usersListing(users: readonly string[]): string {
  if (users.length === 0) return 'Nobody is online';
  return `Online (${users.length}): ${users.join(', ')}`;
}
