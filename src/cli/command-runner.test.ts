import { describe, expect, it } from 'vitest';
import {
  addNotice,
  type ChatClient,
  type ChatState,
  initialState,
  receiveOlder,
  removeRoom,
  switchRoom,
  upsertRoom,
} from '../client/index.js';
import type { Room } from '../protocol/index.js';
import { ChatSession } from './chat-session.js';
import { helpLines, runInput } from './command-runner.js';

const room = (id: string, kind: Room['kind'] = 'public', members: string[] = []): Room => ({
  id,
  name: id,
  kind,
  admin: null,
  members,
});

/** The part of ChatClient the commands use, over a plain state. */
class FakeClient {
  state: ChatState;
  sent: { text: string; room: string | undefined }[] = [];
  calls: string[] = [];
  private listeners = new Set<(s: ChatState) => void>();
  answers: Record<string, string | null> = {};

  constructor() {
    const s = upsertRoom(initialState('alice', 'http://x'), room('general'));
    this.state = { ...s, status: 'connected' };
  }
  getState = () => this.state;
  subscribe = (fn: (s: ChatState) => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  set(next: ChatState) {
    this.state = next;
    for (const fn of this.listeners) fn(next);
  }
  send(text: string, roomId?: string) {
    this.sent.push({ text, room: roomId });
    return 'id';
  }
  async join(name: string) {
    this.calls.push(`join ${name}`);
    if (this.answers.join) return this.answers.join;
    this.set(switchRoom(upsertRoom(this.state, room(name)), name));
    return null;
  }
  async leave(roomId: string) {
    this.calls.push(`leave ${roomId}`);
    this.set(removeRoom(this.state, roomId));
    return null;
  }
  async openDirect(user: string) {
    this.calls.push(`open ${user}`);
    if (this.answers.open) return this.answers.open;
    this.set(switchRoom(upsertRoom(this.state, room('dm_1', 'direct', ['alice', user])), 'dm_1'));
    return null;
  }
  async createGroup(users: string[]) {
    this.calls.push(`create ${users.join(',')}`);
    const group = { ...room('room_1', 'group', ['alice', ...users]), name: 'team' };
    this.set(switchRoom(upsertRoom(this.state, group), 'room_1'));
    return null;
  }
  async refreshOnline() {
    return ['alice', 'bob'];
  }
  switchTo(roomId: string) {
    this.set(switchRoom(this.state, roomId));
    return true;
  }
  async loadOlder(roomId: string) {
    this.calls.push(`older ${roomId}`);
    const page = [{ id: 1, room: roomId, username: 'bob', content: 'old', timestamp: '' }];
    this.set(receiveOlder(this.state, roomId, page, false));
  }
}

function setup() {
  const client = new FakeClient();
  const session = new ChatSession(client as unknown as ChatClient, () => 0);
  const exits: number[] = [];
  const older: (number | undefined)[] = [];
  const ctx = {
    session,
    exit: () => exits.push(1),
    showOlder: (id: number | undefined) => older.push(id),
  };
  const said = () => session.getSnapshot().system.map((l) => `${l.room}|${l.tone}|${l.text}`);
  return { client, session, ctx, exits, older, said };
}

describe('runInput', () => {
  it('sends messages, and nothing for errors', async () => {
    const { client, ctx, said } = setup();
    await runInput('hello', ctx);
    await runInput('/nope', ctx);
    await runInput('  ', ctx);
    expect(client.sent).toEqual([{ text: 'hello', room: undefined }]);
    expect(said()).toEqual([
      'general|error|Unknown command: /nope (type /help for the list)',
      'general|error|Message cannot be empty',
    ]);
  });

  it('/help, /users, /rooms and /exit', async () => {
    const { ctx, said, exits } = setup();
    await runInput('/help', ctx);
    expect(said()).toEqual(helpLines().map((l) => `general|info|${l}`));
    await runInput('/users', ctx);
    expect(said().at(-1)).toBe('general|info|Online (2): alice, bob');
    await runInput('/rooms', ctx);
    expect(said().at(-1)).toBe('general|info|  1. #general  <- current');
    await runInput('/exit', ctx);
    expect(exits).toEqual([1]);
  });

  it('/join switches to the room (its history comes with the join); errors are shown', async () => {
    const { client, ctx, said } = setup();
    await runInput('/join random', ctx);
    expect(client.state.current).toBe('random');
    expect(client.calls).toEqual(['join random']);
    expect(said()).toEqual(['random|info|You joined #random']);
    client.answers.join = 'Room name must be 1-30 characters: a-z, 0-9, _ -';
    await runInput('/join !!', ctx);
    expect(said().at(-1)).toBe('random|error|Room name must be 1-30 characters: a-z, 0-9, _ -');
  });

  it('/msg opens the direct room and sends the text there', async () => {
    const { client, ctx } = setup();
    await runInput('/msg bob hi there', ctx);
    expect(client.state.current).toBe('dm_1');
    expect(client.sent).toEqual([{ text: 'hi there', room: undefined }]);
    client.answers.open = 'Unknown user: zed';
    await runInput('/msg zed hi', ctx);
    expect(client.sent).toHaveLength(1);
  });

  it('/create, /switch and /leave', async () => {
    const { client, ctx, said } = setup();
    await runInput('/create bob carol', ctx);
    expect(client.calls).toContain('create bob,carol');
    expect(said().at(-1)).toBe('room_1|info|Created team with bob, carol');
    await runInput('/switch general', ctx);
    expect(client.state.current).toBe('general');
    await runInput('/switch nowhere', ctx);
    expect(said().at(-1)).toBe('general|error|No such room: nowhere (see /rooms)');
    await runInput('/leave team', ctx);
    expect(client.calls.at(-1)).toBe('leave room_1');
    expect(said().at(-1)).toBe('general|info|You left team');
  });

  it('/history loads older messages once, then says there are none', async () => {
    const { client, ctx, said, older } = setup();
    await runInput('/history', ctx);
    expect(client.calls).toEqual(['older general']);
    expect(older).toEqual([undefined]);
    await runInput('/history', ctx);
    expect(client.calls).toEqual(['older general']);
    expect(said()).toEqual(['general|info|No older messages in #general']);
  });

  it('refuses server commands while disconnected, but queues messages', async () => {
    const { client, ctx, said } = setup();
    client.set({ ...client.state, status: 'reconnecting' });
    await runInput('/join random', ctx);
    await runInput('still typed', ctx);
    expect(client.calls).toEqual([]);
    expect(client.sent).toEqual([{ text: 'still typed', room: undefined }]);
    expect(said()).toEqual([
      'general|error|Not connected to the server; try again once reconnected',
    ]);
  });
});

describe('ChatSession', () => {
  it("turns the client's notices into system lines, once, in the room on screen", () => {
    const { client, session } = setup();
    client.set(addNotice(client.state, 'Disconnected from server'));
    client.set(addNotice({ ...client.state }, 'Reconnected'));
    client.set({ ...client.state });
    expect(session.getSnapshot().system.map((l) => [l.room, l.tone, l.text])).toEqual([
      ['general', 'error', 'Disconnected from server'],
      ['general', 'info', 'Reconnected'],
    ]);
  });
});
