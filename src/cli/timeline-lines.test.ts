import { describe, expect, it } from 'vitest';
import {
  addRoomNotice,
  type ChatState,
  initialState,
  receiveMessages,
  upsertRoom,
} from '../client/index.js';
import type { Message } from '../protocol/index.js';
import { plainText } from './display-line.js';
import { addSystemLines, anchorOf } from './system-lines.js';
import { formatTime, mentions, timelineLines } from './timeline-lines.js';

const at = (h: number, m: number) => new Date(2026, 10, 21, h, m).toISOString();
let nextId = 1;
function msg(username: string, content: string, time = at(10, 0)): Message {
  const id = nextId++;
  return { id, room: 'general', username, content, timestamp: time };
}

function chat(...messages: Message[]): ChatState {
  const room = {
    id: 'general',
    name: 'general',
    kind: 'public' as const,
    admin: null,
    members: [],
  };
  return receiveMessages(upsertRoom(initialState('alice', 'http://x'), room), messages);
}

function rows(state: ChatState, width = 80, system = [] as ReturnType<typeof addSystemLines>) {
  return timelineLines({
    roomId: 'general',
    view: state.rooms.general,
    system,
    pending: state.pending,
    me: state.me,
    width,
  }).map(plainText);
}

describe('formatTime', () => {
  it('is HH:MM in local time', () => {
    expect(formatTime(at(9, 5))).toBe('09:05');
    expect(formatTime(new Date(2026, 0, 1, 23, 59).getTime())).toBe('23:59');
    expect(formatTime('not a date')).toBe('--:--');
  });
});

describe('mentions', () => {
  it('finds the name as a word, in any case', () => {
    expect(mentions('hey Alice, look', 'alice')).toBe(true);
    expect(mentions('alice: hi', 'alice')).toBe(true);
    expect(mentions('malice', 'alice')).toBe(false);
    expect(mentions('alice_2 is here', 'alice')).toBe(false);
  });
});

describe('timelineLines', () => {
  it('shows messages as [HH:MM] <sender> text', () => {
    expect(rows(chat(msg('bob', 'hello', at(9, 30))))).toEqual(['[09:30] <bob> hello']);
  });

  it('wraps long messages under the text, within the width', () => {
    const long = 'word '.repeat(30).trim();
    const lines = rows(chat(msg('bob', long, at(9, 30))), 40);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[0]?.startsWith('[09:30] <bob> word')).toBe(true);
    for (const line of lines.slice(1)) expect(line.startsWith(' '.repeat(14))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40);
    expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(long);
  });

  it('shows room notices and neutralizes what users typed', () => {
    let state = chat(msg('bob', 'evil \u001B[2J text'));
    state = addRoomNotice(state, 'general', 'carol joined general', at(10, 1));
    expect(rows(state)).toEqual([
      '[10:00] <bob> evil \uFFFD[2J text',
      '[10:01] -!- carol joined general',
    ]);
  });

  it('places system lines where they were written; later messages come after them', () => {
    const first = msg('bob', 'before');
    let state = chat(first);
    const system = addSystemLines(
      [],
      {
        room: 'general',
        anchor: anchorOf(state.rooms.general?.items),
        time: new Date(2026, 10, 21, 10, 5).getTime(),
        tone: 'info',
      },
      ['Disconnected from server', 'Reconnected'],
    );
    state = receiveMessages(state, [msg('carol', 'missed meanwhile')]);
    expect(rows(state, 80, system)).toEqual([
      '[10:00] <bob> before',
      '[10:05] [System] Disconnected from server',
      '[10:05] [System] Reconnected',
      '[10:00] <carol> missed meanwhile',
    ]);
  });

  it('shows own messages waiting for the server, and refused ones', () => {
    const state: ChatState = {
      ...chat(),
      pending: [
        { clientId: 'a', room: 'general', content: 'on its way', createdAt: at(11, 0) },
        {
          clientId: 'b',
          room: 'general',
          content: 'nope',
          createdAt: at(11, 1),
          error: 'Too many requests, slow down',
        },
        { clientId: 'c', room: 'other', content: 'elsewhere', createdAt: at(11, 2) },
      ],
    };
    expect(rows(state)).toEqual([
      '[11:00] <alice> on its way (sending...)',
      '[11:01] <alice> nope (not sent: Too many requests, slow down)',
    ]);
  });

  it('keeps the id of the message on each of its rows', () => {
    const m = msg('bob', 'x '.repeat(60));
    const lines = timelineLines({
      roomId: 'general',
      view: chat(m).rooms.general,
      system: [],
      pending: [],
      me: 'alice',
      width: 40,
    });
    expect(lines.every((l) => l.messageId === m.id)).toBe(true);
  });
});
