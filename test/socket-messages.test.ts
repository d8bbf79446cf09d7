import { describe, expect, it } from 'vitest';
import { ERRORS, type Message } from '../src/protocol/index.js';
import {
  api,
  collect,
  connectSocket,
  freshRoom,
  newUser,
  newUsers,
  nextEvent,
  request,
  sendMessage,
  sentinel,
} from './helpers/clients.js';
import { sharedServer } from './helpers/sockets.js';

const suite = sharedServer();
const online = suite.online;

describe('send_message', () => {
  it('acks with the stored message only once it is in the store, and broadcasts the same', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const a = await online(alice.token);
    const b = await online(bob.token);
    const incoming = nextEvent(b, 'new_message', (m) => m.content === 'stored first');
    const ack = await request(a, 'send_message', { content: 'stored first', client_id: 'k1' });
    expect(ack.success).toBe(true);
    const message = ack.message as Message;
    const [stored] = await suite.server.store.messages.roomHistory('general', message.id + 1, 1);
    expect(stored).toEqual(message);
    expect(message).toEqual({
      id: expect.any(Number),
      room: 'general',
      username: alice.username,
      content: 'stored first',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      client_id: 'k1',
    });
    expect(await incoming).toEqual(message);
  });

  it('delivers to every socket of every member, both tabs of one user included, and not to others', async () => {
    const [alice, bob, carol] = await newUsers(suite.server, 3);
    const room = freshRoom();
    const tab1 = await online(alice.token);
    const tab2 = await online(alice.token);
    const b = await online(bob.token);
    const c = await online(carol.token);
    await request(tab1, 'join', { room });
    await request(b, 'join', { room });
    const carolSees = collect(c, 'new_message');
    const waits = [tab1, tab2, b].map((s) =>
      nextEvent(s, 'new_message', (m) => m.content === 'for members'),
    );
    const message = await sendMessage(b, { room, content: 'for members' });
    for (const received of await Promise.all(waits)) expect(received).toEqual(message);
    await sentinel(b, c, 'general');
    expect(carolSees.map((m) => m.room)).not.toContain(room);
  });

  it('sends to general when no room is given, always as the socket user', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const a = await online(alice.token);
    const message = await sendMessage(a, {
      content: 'default room',
      username: bob.username,
      sender: bob.username,
    });
    expect(message.room).toBe('general');
    expect(message.username).toBe(alice.username);
  });

  it('stores content exactly as typed and accepts 4000 emoji', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    for (const content of ['<b>bold?</b> &amp; "q"', '😀'.repeat(4000), ' padded \n']) {
      expect((await sendMessage(a, { content })).content).toBe(content);
    }
  });

  it.each([
    ['an empty message', { content: '' }, ERRORS.messageEmpty],
    ['a blank message', { content: ' \n\t ' }, ERRORS.messageEmpty],
    ['4001 code points', { content: '😀'.repeat(4001) }, ERRORS.messageTooLong],
    ['a room that does not exist', { content: 'hi', room: 'room_999999' }, ERRORS.roomNotFound],
    [
      'a public room never created',
      { content: 'hi', room: 'nobody-made-this' },
      ERRORS.roomNotFound,
    ],
  ])('answers %s in the ack', async (_, payload, message) => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    expect(await request(a, 'send_message', payload)).toEqual({ success: false, message });
  });

  it('answers 403 "You must join the chat first" for a room the user is not in', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const b = await online(bob.token);
    await request(b, 'join', { room });
    const a = await online(alice.token);
    expect(await request(a, 'send_message', { room, content: 'hi' })).toEqual({
      success: false,
      message: ERRORS.notMember,
    });
    const stored = await suite.server.store.messages.roomHistory(room, undefined, 10);
    expect(stored).toEqual([]);
  });

  it('reports a failure without an ack as an error event', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    const error = nextEvent(a, 'error');
    a.emit('send_message', { content: '' });
    expect(await error).toEqual({ message: ERRORS.messageEmpty });
  });

  it('sends without an ack too', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    const seen = nextEvent(a, 'new_message', (m) => m.content === 'fire and forget');
    a.emit('send_message', { content: 'fire and forget' });
    expect((await seen).username).toBe(alice.username);
  });
});

describe('client_id retries', () => {
  it('returns the stored message for a repeated client_id and broadcasts nothing new', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    const b = await online(bob.token);
    await request(a, 'join', { room });
    await request(b, 'join', { room });
    const bobSees = collect(b, 'new_message');
    const first = await sendMessage(a, { room, content: 'only once', client_id: 'retry-1' });
    const again = await sendMessage(a, { room, content: 'only once', client_id: 'retry-1' });
    expect(again).toEqual(first);
    await sentinel(a, b, room);
    expect(bobSees.filter((m) => m.client_id === 'retry-1')).toEqual([first]);
    const stored = await suite.server.store.messages.roomHistory(room, undefined, 10);
    expect(stored.filter((m) => m.client_id === 'retry-1')).toHaveLength(1);
  });

  it('dedupes retries sent at the same moment', async () => {
    const alice = await newUser(suite.server);
    const room = freshRoom();
    const a = await online(alice.token);
    await request(a, 'join', { room });
    const acks = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(a, 'send_message', { room, content: 'burst', client_id: 'same' }),
      ),
    );
    const ids = new Set(acks.map((ack) => (ack.message as Message).id));
    expect(ids.size).toBe(1);
    expect(await suite.server.store.messages.roomHistory(room, undefined, 10)).toHaveLength(1);
  });

  it('treats the same client_id in another room or from another user as a new message', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    const b = await online(bob.token);
    await request(a, 'join', { room });
    await request(b, 'join', { room });
    const one = await sendMessage(a, { room, content: 'x', client_id: 'shared' });
    const two = await sendMessage(a, { content: 'x', client_id: 'shared' });
    const three = await sendMessage(b, { room, content: 'x', client_id: 'shared' });
    expect(new Set([one.id, two.id, three.id]).size).toBe(3);
  });

  it('answers 400 for a client_id that is empty or over 100 characters', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    for (const client_id of ['', 'c'.repeat(101)]) {
      expect(await request(a, 'send_message', { content: 'x', client_id })).toEqual({
        success: false,
        message: ERRORS.clientIdShape,
      });
    }
  });
});

describe('history', () => {
  it('pages back with before and limit, oldest first, default 50 and at most 100', async () => {
    const alice = await newUser(suite.server);
    const room = freshRoom();
    const a = await online(alice.token);
    await request(a, 'join', { room });
    const sent = await Promise.all(
      Array.from({ length: 130 }, (_, i) => sendMessage(a, { room, content: `h${i}` })),
    );
    const ids = sent.map((m) => m.id).sort((x, y) => x - y);
    const page = async (payload: Record<string, unknown>) => {
      const ack = await request(a, 'history', { room, ...payload });
      expect(ack.success).toBe(true);
      return (ack.messages as Message[]).map((m) => m.id);
    };
    expect(await page({})).toEqual(ids.slice(-50));
    expect(await page({ limit: 1000 })).toEqual(ids.slice(-100));
    expect(await page({ limit: 10, before: ids[50] })).toEqual(ids.slice(40, 50));
    expect(await page({ limit: 10, before: ids[5] })).toEqual(ids.slice(0, 5));
    expect(await page({ before: ids[0] })).toEqual([]);
  });

  it('refuses the history of a room the user is not in', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const b = await online(bob.token);
    await request(b, 'join', { room });
    const a = await online(alice.token);
    expect(await request(a, 'history', { room })).toEqual({
      success: false,
      message: ERRORS.notMember,
    });
  });
});

describe('sync', () => {
  it('returns what the user missed in pages of 500 with has_more, no gaps, no duplicates', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const hidden = freshRoom();
    const a = await online(alice.token);
    await request(a, 'join', { room });
    await request(a, 'join', { room: hidden });
    const b = await online(bob.token);
    await request(b, 'join', { room });
    const start = (await sendMessage(a, { room, content: 'start' })).id;
    const sent = await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        sendMessage(a, { room: i % 10 === 0 ? hidden : room, content: `s${i}` }),
      ),
    );
    const visible = sent
      .filter((m) => m.room === room)
      .map((m) => m.id)
      .sort((x, y) => x - y);

    const received: number[] = [];
    let lastId = start;
    let pages = 0;
    for (;;) {
      const ack = await request(b, 'sync', { last_id: lastId });
      expect(ack.success).toBe(true);
      const messages = ack.messages as Message[];
      expect(messages.length).toBeLessThanOrEqual(500);
      pages++;
      received.push(...messages.map((m) => m.id));
      lastId = messages.at(-1)?.id ?? lastId;
      if (!ack.has_more) break;
      expect(messages).toHaveLength(500);
    }
    expect(visible).toHaveLength(540);
    expect(received).toEqual(visible);
    expect(pages).toBe(2);
    const hiddenIds = new Set(sent.filter((m) => m.room === hidden).map((m) => m.id));
    expect(received.filter((id) => hiddenIds.has(id))).toEqual([]);
  });

  it('answers has_more false with nothing new', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    const last = await sendMessage(a, { content: 'latest' });
    const ack = await request(a, 'sync', { last_id: Number.MAX_SAFE_INTEGER });
    expect(ack).toEqual({ success: true, messages: [], has_more: false });
    const tail = await request(a, 'sync', { last_id: last.id });
    expect(tail.has_more).toBe(false);
  });

  it('after a reconnect, gives exactly the messages sent while disconnected', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    await request(a, 'join', { room });
    let b = await online(bob.token);
    await request(b, 'join', { room });
    const seen: Message[] = [];
    b.on('new_message', (m) => seen.push(m));
    await sentinel(a, b, room);
    const highest = Math.max(...seen.map((m) => m.id));
    b.close();
    const missed = await Promise.all(
      Array.from({ length: 30 }, (_, i) => sendMessage(a, { room, content: `missed ${i}` })),
    );
    b = await online(bob.token);
    const live = collect(b, 'new_message');
    const ack = await request(b, 'sync', { last_id: highest });
    const synced = (ack.messages as Message[]).filter((m) => m.room === room);
    expect(synced.map((m) => m.id)).toEqual(missed.map((m) => m.id).sort((x, y) => x - y));
    expect(ack.has_more).toBe(false);
    await sentinel(a, b, room);
    const after = live.filter((m) => !m.content.startsWith('sentinel'));
    expect(after).toEqual([]);
  });

  it('answers 400 for a missing or malformed last_id', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    for (const payload of [{}, { last_id: -1 }, { last_id: 'x' }, { last_id: 1.5 }]) {
      const ack = await request(a, 'sync', payload);
      expect(ack.success, JSON.stringify(payload)).toBe(false);
    }
  });
});

describe('message rate limit', () => {
  const limitedSuite = sharedServer({ config: { messagesMax: 2, messagesWindowSeconds: 60 } });

  it('answers 429 "Too many requests, slow down" in the ack past the per-user limit', async () => {
    const limited = limitedSuite.server;
    const [alice, bob] = await newUsers(limited, 2);
    const a = await connectSocket(limited, alice.token);
    const b = await connectSocket(limited, bob.token);
    expect((await request(a, 'send_message', { content: '1' })).success).toBe(true);
    expect((await request(a, 'send_message', { content: '2' })).success).toBe(true);
    expect(await request(a, 'send_message', { content: '3' })).toEqual({
      success: false,
      message: ERRORS.rateLimited,
    });
    const viaHttp = await api(
      limited,
      'POST',
      '/send',
      { recipient: 'general', content: '4' },
      alice.token,
    );
    expect(viaHttp.status).toBe(429);
    expect((await request(b, 'send_message', { content: 'bob is fine' })).success).toBe(true);
    expect(a.connected).toBe(true);
    a.close();
    b.close();
  });
});
