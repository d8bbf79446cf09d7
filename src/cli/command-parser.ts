import { ERRORS } from '../protocol/index.js';

/** What a line typed in the chat screen asks for. */
export type Command =
  | { name: 'help' }
  | { name: 'users' }
  | { name: 'exit' }
  | { name: 'join'; room: string }
  | { name: 'leave'; room?: string }
  | { name: 'rooms' }
  | { name: 'switch'; room: string }
  | { name: 'msg'; user: string; text?: string }
  | { name: 'create'; users: string[] }
  | { name: 'history' };

export type ParsedInput =
  | { kind: 'message'; text: string }
  | { kind: 'command'; command: Command }
  | { kind: 'error'; message: string };

export interface CommandHelp {
  name: Command['name'];
  usage: string;
  description: string;
  aliases: string[];
}

/** The command table: what `/help` lists and what the parser accepts. */
export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'join',
    usage: '/join <room>',
    description: 'join or create a public room',
    aliases: ['j'],
  },
  {
    name: 'switch',
    usage: '/switch <room>',
    description: 'go to a room: name, @user or number',
    aliases: ['s'],
  },
  {
    name: 'leave',
    usage: '/leave [room]',
    description: 'leave this (or that) room',
    aliases: ['part'],
  },
  { name: 'rooms', usage: '/rooms', description: 'your rooms, with unread counts', aliases: [] },
  { name: 'users', usage: '/users', description: 'who is online', aliases: ['who'] },
  {
    name: 'msg',
    usage: '/msg <user> [text]',
    description: 'direct message to a user',
    aliases: ['query'],
  },
  {
    name: 'create',
    usage: '/create <user>...',
    description: 'private group room with these users',
    aliases: [],
  },
  { name: 'history', usage: '/history', description: 'load older messages', aliases: [] },
  { name: 'help', usage: '/help', description: 'this help', aliases: [] },
  { name: 'exit', usage: '/exit', description: 'leave the chat and quit', aliases: ['quit'] },
];

const BY_NAME = new Map<string, CommandHelp>();
for (const command of COMMANDS) {
  BY_NAME.set(command.name, command);
  for (const alias of command.aliases) BY_NAME.set(alias, command);
}

/** Every name and alias a command can be typed with (Tab completion). */
export const COMMAND_WORDS: readonly string[] = [...BY_NAME.keys()].sort();

export function unknownCommandMessage(word: string): string {
  return `Unknown command: /${word} (type /help for the list)`;
}

export function usageMessage(help: CommandHelp): string {
  return `Usage: ${help.usage}`;
}

/**
 * Parses one input line. A line starting with `/` is a command (`//text` sends `/text`);
 * anything else is a message, sent exactly as typed. Blank lines are refused.
 */
export function parseInput(line: string): ParsedInput {
  if (line.trim() === '') return { kind: 'error', message: ERRORS.messageEmpty };
  if (!line.startsWith('/')) return { kind: 'message', text: line };
  if (line.startsWith('//')) return { kind: 'message', text: line.slice(1) };
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(line);
  const word = (match?.[1] ?? '').toLowerCase();
  const rest = match?.[2] ?? '';
  const help = BY_NAME.get(word);
  if (!help) return { kind: 'error', message: unknownCommandMessage(match?.[1] ?? '') };
  const args = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
  const usage = { kind: 'error', message: usageMessage(help) } as const;
  const command = (c: Command): ParsedInput => ({ kind: 'command', command: c });
  switch (help.name) {
    case 'help':
    case 'users':
    case 'exit':
    case 'rooms':
    case 'history':
      return command({ name: help.name });
    case 'join':
      return args.length === 1 && args[0] ? command({ name: 'join', room: args[0] }) : usage;
    case 'switch':
      return args.length === 1 && args[0] ? command({ name: 'switch', room: args[0] }) : usage;
    case 'leave':
      if (args.length > 1) return usage;
      return command(args[0] ? { name: 'leave', room: args[0] } : { name: 'leave' });
    case 'msg': {
      const user = args[0];
      if (!user) return usage;
      const text = rest.trimStart().slice(user.length).replace(/^\s/, '');
      return command(
        text.trim() === '' ? { name: 'msg', user } : { name: 'msg', user, text: text },
      );
    }
    case 'create': {
      if (args.length === 0) return usage;
      const users = [...new Map(args.map((u) => [u.toLowerCase(), u])).values()];
      return command({ name: 'create', users });
    }
  }
}
