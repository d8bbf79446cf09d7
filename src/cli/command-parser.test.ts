import { describe, expect, it } from 'vitest';
import { COMMAND_WORDS, COMMANDS, parseInput } from './command-parser.js';

describe('parseInput', () => {
  it('treats text as a message, exactly as typed', () => {
    expect(parseInput('hello')).toEqual({ kind: 'message', text: 'hello' });
    expect(parseInput('  spaced  out ')).toEqual({ kind: 'message', text: '  spaced  out ' });
    expect(parseInput('a /join b')).toEqual({ kind: 'message', text: 'a /join b' });
    expect(parseInput(' /join x')).toEqual({ kind: 'message', text: ' /join x' });
  });

  it('refuses empty and blank lines', () => {
    for (const line of ['', '   ', '\t']) {
      expect(parseInput(line)).toEqual({ kind: 'error', message: 'Message cannot be empty' });
    }
  });

  it('sends //text as a message starting with /', () => {
    expect(parseInput('//shrug')).toEqual({ kind: 'message', text: '/shrug' });
  });

  it('parses the commands without arguments', () => {
    for (const name of ['help', 'users', 'exit', 'rooms', 'history'] as const) {
      expect(parseInput(`/${name}`)).toEqual({ kind: 'command', command: { name } });
    }
    expect(parseInput('/HELP')).toEqual({ kind: 'command', command: { name: 'help' } });
    expect(parseInput('/quit')).toEqual({ kind: 'command', command: { name: 'exit' } });
    expect(parseInput('/who')).toEqual({ kind: 'command', command: { name: 'users' } });
  });

  it('parses /join, /switch and /leave', () => {
    expect(parseInput('/join random')).toEqual({
      kind: 'command',
      command: { name: 'join', room: 'random' },
    });
    expect(parseInput('/j   random  ')).toEqual({
      kind: 'command',
      command: { name: 'join', room: 'random' },
    });
    expect(parseInput('/switch @bob')).toEqual({
      kind: 'command',
      command: { name: 'switch', room: '@bob' },
    });
    expect(parseInput('/leave')).toEqual({ kind: 'command', command: { name: 'leave' } });
    expect(parseInput('/part #random')).toEqual({
      kind: 'command',
      command: { name: 'leave', room: '#random' },
    });
  });

  it('answers a wrong number of arguments with the usage', () => {
    expect(parseInput('/join')).toEqual({ kind: 'error', message: 'Usage: /join <room>' });
    expect(parseInput('/join a b')).toEqual({ kind: 'error', message: 'Usage: /join <room>' });
    expect(parseInput('/switch')).toEqual({ kind: 'error', message: 'Usage: /switch <room>' });
    expect(parseInput('/leave a b')).toEqual({ kind: 'error', message: 'Usage: /leave [room]' });
    expect(parseInput('/msg')).toEqual({ kind: 'error', message: 'Usage: /msg <user> [text]' });
    expect(parseInput('/create')).toEqual({ kind: 'error', message: 'Usage: /create <user>...' });
  });

  it('parses /msg, keeping the text as typed', () => {
    expect(parseInput('/msg bob hi there')).toEqual({
      kind: 'command',
      command: { name: 'msg', user: 'bob', text: 'hi there' },
    });
    expect(parseInput('/msg bob  two  spaces ')).toEqual({
      kind: 'command',
      command: { name: 'msg', user: 'bob', text: ' two  spaces ' },
    });
    expect(parseInput('/query bob')).toEqual({
      kind: 'command',
      command: { name: 'msg', user: 'bob' },
    });
    expect(parseInput('/msg bob    ')).toEqual({
      kind: 'command',
      command: { name: 'msg', user: 'bob' },
    });
  });

  it('parses /create with its users, without repeats', () => {
    expect(parseInput('/create bob carol Bob')).toEqual({
      kind: 'command',
      command: { name: 'create', users: ['Bob', 'carol'] },
    });
  });

  it('reports unknown commands and sends nothing', () => {
    expect(parseInput('/frobnicate now')).toEqual({
      kind: 'error',
      message: 'Unknown command: /frobnicate (type /help for the list)',
    });
    expect(parseInput('/')).toEqual({
      kind: 'error',
      message: 'Unknown command: / (type /help for the list)',
    });
  });

  it('lists every command and alias for completion', () => {
    for (const c of COMMANDS) expect(COMMAND_WORDS).toContain(c.name);
    expect(COMMAND_WORDS).toContain('quit');
  });
});
