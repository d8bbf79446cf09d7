import { roomTitle } from '../client/index.js';
import type { ChatSession } from './chat-session.js';
import { COMMANDS, type Command, parseInput } from './command-parser.js';
import { findRoom, roomsListing, usersListing } from './room-lookup.js';
import { safeLine } from './terminal-text.js';

export interface CommandContext {
  session: ChatSession;
  /** Leave the chat and quit. */
  exit(): void;
  /** After `/history` loaded older messages: show the ones before this message. */
  showOlder(beforeMessageId: number | undefined): void;
  /** `/history` with older lines already loaded above the view: scroll up a page (true). */
  pageUpIfMore?(): boolean;
}

export const KEY_HELP: readonly string[] = [
  'Keys: PageUp/PageDown scroll (Esc: the end), Up/Down history,',
  '  Tab: complete names, Ctrl+N/Ctrl+P or Alt+1..9: switch rooms,',
  '  Ctrl+A/E/U/K/W edit, Ctrl+C quit. //text sends "/text".',
];

/** `/help`: one short line per command (fits 80 columns after the `[System]` prefix). */
export function helpLines(): string[] {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  return [
    'Commands:',
    ...COMMANDS.map((c) => {
      const aliases = c.aliases.length ? ` (/${c.aliases.join(', /')})` : '';
      return `  ${c.usage.padEnd(width)}  ${c.description}${aliases}`;
    }),
    ...KEY_HELP,
  ];
}

const NEEDS_SERVER = new Set<Command['name']>([
  'users',
  'join',
  'leave',
  'msg',
  'create',
  'history',
]);

/** Runs one line typed in the chat screen: sends a message or carries out a command. */
export async function runInput(line: string, ctx: CommandContext): Promise<void> {
  const parsed = parseInput(line);
  const { session } = ctx;
  const client = session.client;
  if (parsed.kind === 'error') {
    session.say(parsed.message, 'error');
    return;
  }
  if (parsed.kind === 'message') {
    client.send(parsed.text);
    return;
  }
  const command = parsed.command;
  if (NEEDS_SERVER.has(command.name) && client.getState().status !== 'connected') {
    session.say('Not connected to the server; try again once reconnected', 'error');
    return;
  }
  await runCommand(command, ctx);
}

function titleOf(session: ChatSession, roomId: string): string {
  const state = session.client.getState();
  const view = state.rooms[roomId];
  return view ? safeLine(roomTitle(view.room, state.me)) : roomId;
}

async function runCommand(command: Command, ctx: CommandContext): Promise<void> {
  const { session } = ctx;
  const client = session.client;
  const fail = (message: string | null) => {
    if (message) session.say(message, 'error');
    return message !== null;
  };
  switch (command.name) {
    case 'help':
      session.say(helpLines());
      return;
    case 'exit':
      ctx.exit();
      return;
    case 'users':
      session.say(usersListing(await client.refreshOnline()));
      return;
    case 'rooms':
      session.say(roomsListing(client.getState()));
      return;
    case 'switch': {
      const found = findRoom(client.getState(), command.room);
      if (!found.ok) session.say(found.message, 'error');
      else client.switchTo(found.roomId);
      return;
    }
    case 'join': {
      if (fail(await client.join(command.room))) return;
      const roomId = client.getState().current;
      client.switchTo(roomId); // also asks who is in the room
      session.say(`You joined ${titleOf(session, roomId)}`);
      return;
    }
    case 'leave': {
      const state = client.getState();
      const found = command.room ? findRoom(state, command.room) : null;
      if (found && !found.ok) {
        session.say(found.message, 'error');
        return;
      }
      const roomId = found?.ok ? found.roomId : state.current;
      const title = titleOf(session, roomId);
      if (fail(await client.leave(roomId))) return;
      session.say(`You left ${title}`);
      return;
    }
    case 'msg': {
      if (fail(await client.openDirect(command.user))) return;
      if (command.text !== undefined) client.send(command.text);
      else session.say(`Direct conversation with ${command.user}: type to send`);
      return;
    }
    case 'create': {
      if (fail(await client.createGroup(command.users))) return;
      const roomId = client.getState().current;
      session.say(`Created ${titleOf(session, roomId)} with ${command.users.join(', ')}`);
      return;
    }
    case 'history': {
      if (ctx.pageUpIfMore?.()) return;
      const roomId = client.getState().current;
      const before = client.getState().rooms[roomId];
      const firstId = before?.items.find((i) => i.kind === 'message');
      const count = before?.items.length ?? 0;
      if (before && !before.hasOlder) {
        session.say(`No older messages in ${titleOf(session, roomId)}`);
        return;
      }
      await client.loadOlder(roomId);
      const after = client.getState().rooms[roomId];
      if ((after?.items.length ?? 0) === count) {
        session.say(`No older messages in ${titleOf(session, roomId)}`);
        return;
      }
      ctx.showOlder(firstId?.kind === 'message' ? firstId.message.id : undefined);
      return;
    }
  }
}
