import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS, type Message } from '../src/protocol/index.js';
import { freshRoom, PASSWORD, uniqueName } from './helpers/clients.js';
import { inject } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false });
});
afterAll(async () => {
  await server.close();
});

async function user(name = uniqueName()) {
  await inject(server, 'POST', '/register', { body: { username: name, password: PASSWORD } });
  const login = await inject(server, 'POST', '/login', {
    body: { username: name, password: PASSWORD },
  });
  return { username: name, token: login.body.token as string };
}

const send = (token: string, body: unknown) => inject(server, 'POST', '/send', { token, body });

async function sent(token: string, recipient: string, content: string): Promise<Message> {
  const response = await send(token, { recipient, content });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.message as Message;
}

async function poll(token: string, lastId: number, limit?: number): Promise<Message[]> {
  const query = `last_id=${lastId}${limit === undefined ? '' : `&limit=${limit}`}`;
  const response = await inject(server, 'GET', `/messages?${query}`, { token });
  expect(response.status).toBe(200);
  return response.body.messages as Message[];
}

/** A fresh public room both users joined. */
async function sharedRoom(...tokens: string[]): Promise<string> {
  const room = freshRoom('room');
  for (const token of tokens) {
    const joined = await inject(server, 'POST', '/join_room', { token, body: { room } });
    expect(joined.status).toBe(200);
  }
  return room;
}

describe('POST /send', () => {
  it('stores the message and answers 201 with it', async () => {
    const alice = await user();
    const response = await send(alice.token, { recipient: 'general', content: 'hello' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      success: true,
      message: {
        id: expect.any(Number),
        room: 'general',
        username: alice.username,
        content: 'hello',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    });
    const message = response.body.message as Message;
    expect(message.id).toBeGreaterThan(0);
    const stored = await server.store.messages.roomHistory('general', undefined, 5);
    expect(stored.at(-1)).toEqual(message);
  });

  it('accepts `message` in place of `content`', async () => {
    const alice = await user();
    const response = await send(alice.token, { recipient: 'general', message: 'legacy' });
    expect(response.status).toBe(201);
    expect((response.body.message as Message).content).toBe('legacy');
  });

  it('always sends as the token user, ignoring a sender or username field', async () => {
    const alice = await user();
    const bob = await user();
    const response = await send(alice.token, {
      recipient: 'general',
      content: 'who am i',
      sender: bob.username,
      username: bob.username,
    });
    expect(response.status).toBe(201);
    expect((response.body.message as Message).username).toBe(alice.username);
  });

  it('stores and returns the content exactly as typed, with no HTML escaping', async () => {
    const alice = await user();
    const content = `<script>alert("x")</script> & 'quotes' \u00e9 😀 \n  two lines  `;
    const message = await sent(alice.token, 'general', content);
    expect(message.content).toBe(content);
    const [polled] = await poll(alice.token, message.id - 1, 1);
    expect(polled?.content).toBe(content);
  });

  it('echoes a client_id back', async () => {
    const alice = await user();
    const response = await send(alice.token, {
      recipient: 'general',
      content: 'with id',
      client_id: 'abc-1',
    });
    expect((response.body.message as Message).client_id).toBe('abc-1');
  });

  it.each([
    ['an empty string', ''],
    ['only spaces', '   '],
    ['only newlines and tabs', '\n\t\n'],
  ])('answers 400 "Message cannot be empty" for %s', async (_, content) => {
    const alice = await user();
    const response = await send(alice.token, { recipient: 'general', content });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, message: ERRORS.messageEmpty });
  });

  it('answers 400 "Message cannot be empty" when there is no content at all', async () => {
    const alice = await user();
    for (const body of [{ recipient: 'general' }, { recipient: 'general', content: null }]) {
      const response = await send(alice.token, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: ERRORS.messageEmpty });
    }
  });

  it('answers 400 "Message is too long" for 4001 code points', async () => {
    const alice = await user();
    for (const content of ['x'.repeat(4001), '😀'.repeat(4001)]) {
      const response = await send(alice.token, { recipient: 'general', content });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: ERRORS.messageTooLong });
    }
  });

  it('accepts exactly 4000 code points, emoji counted as one', async () => {
    const alice = await user();
    for (const content of ['x'.repeat(4000), '😀'.repeat(4000), `${'😀'.repeat(3999)}x`]) {
      const message = await sent(alice.token, 'general', content);
      expect(message.content).toBe(content);
    }
  });

  it('answers 404 "Unknown recipient" for a name that is neither a room nor a user', async () => {
    const alice = await user();
    for (const recipient of ['nobody-here', 'room_999999', 'dm_999999', 'Not A Name!']) {
      const response = await send(alice.token, { recipient, content: 'hello?' });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ success: false, message: ERRORS.unknownRecipient });
    }
  });

  it('answers 403 "You must join the chat first" for a public room not joined', async () => {
    const alice = await user();
    const bob = await user();
    const room = await sharedRoom(bob.token);
    const response = await send(alice.token, { recipient: room, content: 'let me in' });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ success: false, message: ERRORS.notMember });
  });

  it('answers 403 for a group or direct room of others', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const group = await inject(server, 'POST', '/create_room', {
      token: alice.token,
      body: { participants: [bob.username] },
    });
    const dm = await sent(alice.token, bob.username, 'private');
    for (const recipient of [(group.body.room as { id: string }).id, dm.room]) {
      const response = await send(carol.token, { recipient, content: 'sneaking in' });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ success: false, message: ERRORS.notMember });
    }
  });

  it('answers 403 after the sender left general', async () => {
    const alice = await user();
    await inject(server, 'POST', '/leave_room', {
      token: alice.token,
      body: { room_id: 'general' },
    });
    const response = await send(alice.token, { recipient: 'general', content: 'still here?' });
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ success: false, message: ERRORS.notMember });
  });

  it('sends to a username as a direct message, one room per pair created on first use', async () => {
    const alice = await user();
    const bob = await user();
    const first = await sent(alice.token, bob.username, 'hi bob');
    expect(first.room).toMatch(/^dm_\d+$/);
    const back = await sent(bob.token, alice.username.toUpperCase(), 'hi alice');
    expect(back.room).toBe(first.room);
    const byId = await sent(alice.token, first.room, 'by room id');
    expect(byId.room).toBe(first.room);
    const bobSees = await poll(bob.token, first.id - 1);
    expect(bobSees.map((m) => m.content)).toEqual(['hi bob', 'hi alice', 'by room id']);
  });

  it('refuses a direct message to oneself', async () => {
    const alice = await user();
    const response = await send(alice.token, { recipient: alice.username, content: 'me' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, message: ERRORS.cannotMessageSelf });
  });

  it('sends to a public room by name in any case', async () => {
    const alice = await user();
    const room = await sharedRoom(alice.token);
    const message = await sent(alice.token, room.toUpperCase(), 'shouting the name');
    expect(message.room).toBe(room);
  });
});

describe('GET /messages', () => {
  it('returns every message after last_id exactly once, in order, page by page', async () => {
    const alice = await user();
    const bob = await user();
    const room = await sharedRoom(alice.token, bob.token);
    const start = (await sent(alice.token, room, 'start')).id;
    const ids: number[] = [];
    for (let i = 0; i < 23; i++) {
      const from = i % 2 === 0 ? alice : bob;
      ids.push((await sent(from.token, room, `m${i}`)).id);
    }
    const seen: Message[] = [];
    let lastId = start;
    for (;;) {
      const page = await poll(bob.token, lastId, 4);
      expect(page.length).toBeLessThanOrEqual(4);
      if (page.length === 0) break;
      seen.push(...page);
      lastId = page.at(-1)?.id ?? lastId;
    }
    const mine = seen.filter((m) => m.room === room);
    expect(mine.map((m) => m.id)).toEqual(ids);
    expect(mine.map((m) => m.content)).toEqual(ids.map((_, i) => `m${i}`));
    const all = seen.map((m) => m.id);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    expect(new Set(all).size).toBe(all.length);
  });

  it('does not skip messages sent between two polls', async () => {
    const alice = await user();
    const room = await sharedRoom(alice.token);
    const first = await sent(alice.token, room, 'one');
    const page1 = await poll(alice.token, first.id - 1);
    const cursor = page1.at(-1)?.id ?? 0;
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => sent(alice.token, room, `burst ${i}`)),
    );
    const page2 = (await poll(alice.token, cursor)).filter((m) => m.room === room);
    expect(page2.map((m) => m.id).sort((a, b) => a - b)).toEqual(
      concurrent.map((m) => m.id).sort((a, b) => a - b),
    );
  });

  it('only shows messages of rooms the caller is a member of, direct rooms included', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const room = await sharedRoom(alice.token, bob.token);
    const before = (await sent(alice.token, 'general', 'marker')).id - 1;
    await sent(alice.token, room, 'members only');
    await sent(alice.token, bob.username, 'for bob only');
    const group = await inject(server, 'POST', '/create_room', {
      token: alice.token,
      body: { participants: [bob.username], name: 'secret' },
    });
    await sent(alice.token, (group.body.room as { id: string }).id, 'group secret');
    const carolSees = await poll(carol.token, before);
    expect(carolSees.map((m) => m.content)).toEqual(['marker']);
    const bobSees = await poll(bob.token, before);
    expect(bobSees.map((m) => m.content)).toEqual([
      'marker',
      'members only',
      'for bob only',
      'group secret',
    ]);
  });

  it('defaults to 100 messages and caps the limit at 500', async () => {
    const alice = await user();
    const room = await sharedRoom(alice.token);
    const start = (await sent(alice.token, room, 'start')).id;
    await Promise.all(Array.from({ length: 510 }, (_, i) => sent(alice.token, room, `n${i}`)));
    expect(await poll(alice.token, start)).toHaveLength(100);
    expect(await poll(alice.token, start, 100_000)).toHaveLength(500);
    expect(await poll(alice.token, start, 3)).toHaveLength(3);
  });

  it('starts from the beginning without last_id', async () => {
    const alice = await user();
    await sent(alice.token, 'general', 'something to read');
    const response = await inject(server, 'GET', '/messages?limit=2', { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.body.messages).toEqual(await poll(alice.token, 0, 2));
  });
});

describe('GET /rooms/:id/messages', () => {
  it('returns the newest page oldest first, and older pages with before', async () => {
    const alice = await user();
    const room = await sharedRoom(alice.token);
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push((await sent(alice.token, room, `h${i}`)).id);
    const newest = await inject(server, 'GET', `/rooms/${room}/messages?limit=3`, {
      token: alice.token,
    });
    expect(newest.status).toBe(200);
    expect((newest.body.messages as Message[]).map((m) => m.id)).toEqual(ids.slice(4));
    const older = await inject(server, 'GET', `/rooms/${room}/messages?limit=3&before=${ids[4]}`, {
      token: alice.token,
    });
    expect((older.body.messages as Message[]).map((m) => m.id)).toEqual(ids.slice(1, 4));
    const all = await inject(server, 'GET', `/rooms/${room.toUpperCase()}/messages`, {
      token: alice.token,
    });
    expect((all.body.messages as Message[]).map((m) => m.id)).toEqual(ids);
  });

  it('returns at most 100 messages however many are asked for', async () => {
    const alice = await user();
    const room = await sharedRoom(alice.token);
    await Promise.all(Array.from({ length: 120 }, (_, i) => sent(alice.token, room, `p${i}`)));
    const response = await inject(server, 'GET', `/rooms/${room}/messages?limit=1000`, {
      token: alice.token,
    });
    const messages = response.body.messages as Message[];
    expect(messages).toHaveLength(100);
    expect(messages.map((m) => m.id)).toEqual([...messages.map((m) => m.id)].sort((a, b) => a - b));
  });

  it('answers 403 to a non-member, for public, group and direct rooms', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const room = await sharedRoom(alice.token);
    await sent(alice.token, room, 'hidden');
    const dm = await sent(alice.token, bob.username, 'hidden dm');
    const group = await inject(server, 'POST', '/create_room', {
      token: alice.token,
      body: { participants: [bob.username] },
    });
    for (const id of [room, dm.room, (group.body.room as { id: string }).id]) {
      const response = await inject(server, 'GET', `/rooms/${id}/messages`, {
        token: carol.token,
      });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ success: false, message: ERRORS.notMember });
    }
  });

  it('answers 404 for a room that does not exist, whatever its shape', async () => {
    const alice = await user();
    for (const id of ['no-such-room', 'room_424242', 'dm_424242', 'Bad%20Name!', 'dm_x']) {
      const response = await inject(server, 'GET', `/rooms/${id}/messages`, {
        token: alice.token,
      });
      expect(response.status, id).toBe(404);
      expect(response.body).toEqual({ success: false, message: ERRORS.roomNotFound });
    }
  });
});
