import { describe, expect, it } from 'vitest';
import { compareUsernames, ERRORS, type Message } from '../src/protocol/index.js';
import {
  api,
  collect,
  freshRoom,
  newUser,
  newUsers,
  nextEvent,
  request,
  sentinel,
} from './helpers/clients.js';
import { closeAndForget, serverForgot, sharedServer } from './helpers/sockets.js';

const suite = sharedServer();
const online = suite.online;

describe('join', () => {
  it('joins general by default, acking the Room and sending its last 100 messages oldest first', async () => {
    const alice = await newUser(suite.server);
    for (let i = 0; i < 105; i++) {
      await api(
        suite.server,
        'POST',
        '/send',
        { recipient: 'general', content: `old ${i}` },
        alice.token,
      );
    }
    const socket = await online(alice.token);
    const history = nextEvent(socket, 'message_history');
    const ack = await request(socket, 'join');
    expect(ack.success).toBe(true);
    expect(ack.room).toMatchObject({ id: 'general', kind: 'public', admin: null });
    const { room, messages } = await history;
    expect(room).toBe('general');
    expect(messages).toHaveLength(100);
    const ids = messages.map((m: Message) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(messages).toEqual(
      await suite.server.store.messages.roomHistory('general', undefined, 100),
    );
    expect(messages.at(-1)?.content).toBe('old 104');
  });

  it('accepts an empty payload, null, or {} alike, and ignores a username field', async () => {
    const alice = await newUser(suite.server);
    const socket = await online(alice.token);
    for (const payload of [[], [null], [{}], [{ username: 'someone-else' }]]) {
      const ack = await request(socket, 'join', ...payload);
      expect(ack.success, JSON.stringify(payload)).toBe(true);
      expect((ack.room as { members: string[] }).members).toContain(alice.username);
      expect((ack.room as { members: string[] }).members).not.toContain('someone-else');
    }
  });

  it('joins a named public room, creating it, and makes the user a member', async () => {
    const alice = await newUser(suite.server);
    const socket = await online(alice.token);
    const name = `Chess-${Math.random().toString(36).slice(2, 8)}`;
    const ack = await request(socket, 'join', { room: name });
    expect(ack.room).toEqual({
      id: name.toLowerCase(),
      name: name.toLowerCase(),
      kind: 'public',
      admin: null,
      members: [alice.username],
    });
    const rooms = await api(suite.server, 'GET', '/rooms', undefined, alice.token);
    expect((rooms.body.rooms as { id: string }[]).map((r) => r.id)).toContain(name.toLowerCase());
  });

  it('tells the others "<user> joined <room>" (not the joiner) and everyone the new user list', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    await request(a, 'join', { room });
    const b = await online(bob.token);
    const bobJoinedSeen = collect(b, 'user_joined');
    const aliceHears = nextEvent(a, 'user_joined', (p) => p.room === room);
    const aliceList = nextEvent(a, 'update_users', (p) => p.room === room && p.users.length === 2);
    const bobList = nextEvent(b, 'update_users', (p) => p.room === room);
    const ack = await request(b, 'join', { room });
    expect(ack.success).toBe(true);
    expect(await aliceHears).toEqual({
      room,
      username: bob.username,
      message: `${bob.username} joined ${room}`,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const expected = { room, users: [alice.username, bob.username].sort(compareUsernames) };
    expect(await aliceList).toEqual(expected);
    expect(await bobList).toEqual(expected);
    expect(bobJoinedSeen.filter((p) => p.room === room)).toEqual([]);
  });

  it('answers 400 for a malformed room name, 403 for a group of others and 404 for an unknown id', async () => {
    const [alice, bob, carol] = await newUsers(suite.server, 3);
    const group = await api(
      suite.server,
      'POST',
      '/create_room',
      { participants: [bob.username] },
      alice.token,
    );
    const c = await online(carol.token);
    expect(await request(c, 'join', { room: 'Not valid!' })).toEqual({
      success: false,
      message: ERRORS.roomNameShape,
    });
    expect(await request(c, 'join', { room: (group.body.room as { id: string }).id })).toEqual({
      success: false,
      message: ERRORS.notMember,
    });
    expect(await request(c, 'join', { room: 'room_987654' })).toEqual({
      success: false,
      message: ERRORS.roomNotFound,
    });
  });
});

describe('presence across tabs', () => {
  it('announces a user once for two tabs, and their departure only when the last tab closes', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const b = await online(bob.token);
    await request(b, 'join', { room });
    const joined = collect(b, 'user_joined');
    const left = collect(b, 'user_left');
    const lists = collect(b, 'update_users');

    const tab1 = await online(alice.token);
    await request(tab1, 'join', { room });
    const tab2 = await online(alice.token);
    await request(tab2, 'join', { room });
    await sentinel(tab2, b, room);
    expect(joined.filter((p) => p.room === room).map((p) => p.username)).toEqual([alice.username]);
    expect(lists.filter((p) => p.room === room).at(-1)?.users).toEqual(
      [alice.username, bob.username].sort(compareUsernames),
    );

    await closeAndForget(suite.server, tab1);
    await sentinel(tab2, b, room);
    expect(left.filter((p) => p.room === room)).toEqual([]);

    const gone = nextEvent(b, 'user_left', (p) => p.username === alice.username);
    const list = nextEvent(b, 'update_users', (p) => p.room === room && p.users.length === 1);
    tab2.close();
    expect(await gone).toEqual({
      room,
      username: alice.username,
      message: `${alice.username} left ${room}`,
      timestamp: expect.any(String),
    });
    expect((await list).users).toEqual([bob.username]);
    expect(joined.filter((p) => p.room === room).map((p) => p.username)).toEqual([alice.username]);
  });

  it('sends user_left to the rooms the user was present in when their only socket disconnects', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const [r1, r2] = [freshRoom(), freshRoom()];
    const b = await online(bob.token);
    await request(b, 'join', { room: r1 });
    await request(b, 'join', { room: r2 });
    const a = await online(alice.token);
    await request(a, 'join', { room: r1 });
    await request(a, 'join', { room: r2 });
    const rooms = Promise.all(
      [r1, r2].map((room) =>
        nextEvent(b, 'user_left', (p) => p.username === alice.username && p.room === room),
      ),
    );
    a.close();
    expect((await rooms).map((p) => p.room)).toEqual([r1, r2]);
  });

  it('keeps a user online while any socket is open', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const b = await online(bob.token);
    const tab1 = await online(alice.token);
    const tab2 = await online(alice.token);
    expect((await request(b, 'get_online_users', {})).users).toContain(alice.username);
    await closeAndForget(suite.server, tab1);
    expect((await request(b, 'get_online_users', {})).users).toContain(alice.username);
    await closeAndForget(suite.server, tab2);
    expect((await request(b, 'get_online_users', {})).users).not.toContain(alice.username);
  });
});

describe('REST pollers', () => {
  it('appear in the user lists of their rooms when they start polling', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    await request(a, 'join', { room });
    await api(suite.server, 'POST', '/join_room', { room }, bob.token);
    const list = nextEvent(
      a,
      'update_users',
      (p) => p.room === room && p.users.includes(bob.username),
    );
    await api(suite.server, 'GET', '/messages?last_id=0&limit=1', undefined, bob.token);
    expect((await list).users).toEqual([alice.username, bob.username].sort(compareUsernames));
    const http = await api(suite.server, 'GET', `/online?room=${room}`, undefined, alice.token);
    expect(http.body.users).toEqual([alice.username, bob.username].sort(compareUsernames));
  });
});

describe('a socket that disconnects in the middle of a join', () => {
  it('does not stay online or get announced as present', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const b = await online(bob.token);
    await request(b, 'join', { room });
    const bobHears = collect(b, 'user_joined');

    // Hold alice's join right after its last database read, until she is gone.
    const messages = suite.server.store.messages;
    const original = messages.roomHistory.bind(messages);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached!: () => void;
    const holding = new Promise<void>((resolve) => {
      reached = resolve;
    });
    messages.roomHistory = async (...args) => {
      const result = await original(...args);
      if (args[0] === room) {
        reached();
        await gate;
      }
      return result;
    };
    try {
      const a = await online(alice.token);
      const id = a.id as string;
      a.emit('join', { room });
      await holding;
      a.close();
      await serverForgot(suite.server, id);
      release();
      // What is left of the join runs in this turn of the event loop (no I/O).
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      messages.roomHistory = original;
    }
    expect((await request(b, 'get_online_users', {})).users).not.toContain(alice.username);
    expect((await request(b, 'get_online_users', { room })).users).toEqual([bob.username]);
    expect(bobHears.filter((p) => p.room === room)).toEqual([]);
  });
});

describe('typing', () => {
  it('relays user_typing to the other members of the room only', async () => {
    const [alice, bob, carol] = await newUsers(suite.server, 3);
    const room = freshRoom();
    const a = await online(alice.token);
    const b = await online(bob.token);
    const c = await online(carol.token);
    await request(a, 'join', { room });
    await request(b, 'join', { room });
    const aliceSees = collect(a, 'user_typing');
    const carolSees = collect(c, 'user_typing');
    const bobSees = nextEvent(b, 'user_typing', (p) => p.room === room);
    expect(await request(a, 'typing', { room, typing: true })).toEqual({ success: true });
    expect(await bobSees).toEqual({ room, username: alice.username, typing: true });
    const stopped = nextEvent(b, 'user_typing', (p) => p.typing === false);
    await request(a, 'typing', { room, typing: false });
    expect((await stopped).username).toBe(alice.username);
    await request(a, 'get_online_users', {});
    await request(c, 'join', { room: freshRoom() });
    expect(aliceSees).toEqual([]);
    expect(carolSees).toEqual([]);
  });

  it('tells the others the user stopped typing when their socket goes away mid-sentence', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    const b = await online(bob.token);
    await request(a, 'join', { room });
    await request(b, 'join', { room });
    const started = nextEvent(b, 'user_typing', (p) => p.typing);
    await request(a, 'typing', { room, typing: true });
    await started;
    const stopped = nextEvent(b, 'user_typing', (p) => !p.typing);
    a.close();
    expect(await stopped).toEqual({ room, username: alice.username, typing: false });
  });

  it('answers 403 for typing in a room the user is not in, and 400 for a non-boolean', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const b = await online(bob.token);
    await request(b, 'join', { room });
    const a = await online(alice.token);
    expect(await request(a, 'typing', { room, typing: true })).toEqual({
      success: false,
      message: ERRORS.notMember,
    });
    const wrong = await request(a, 'typing', { room: 'general', typing: 'yes' });
    expect(wrong.success).toBe(false);
  });
});

describe('get_online_users', () => {
  it('answers in the ack and with an online_users event, sorted case-insensitively', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    const event = nextEvent(a, 'online_users');
    const ack = await request(a, 'get_online_users', {});
    expect(ack.success).toBe(true);
    const users = ack.users as string[];
    expect(users).toContain(alice.username);
    expect(users).toEqual([...users].sort(compareUsernames));
    expect(await event).toEqual({ users });
  });

  it('works without a payload and without an ack', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    const event = nextEvent(a, 'online_users');
    a.emit('get_online_users', undefined as never);
    expect((await event).users).toContain(alice.username);
  });

  it('lists the users present in one room, and refuses rooms the user is not in', async () => {
    const [alice, bob, carol] = await newUsers(suite.server, 3);
    const room = freshRoom();
    const a = await online(alice.token);
    const b = await online(bob.token);
    await online(carol.token);
    await request(a, 'join', { room });
    await request(b, 'join', { room });
    const ack = await request(a, 'get_online_users', { room });
    expect(ack.users).toEqual([alice.username, bob.username].sort(compareUsernames));
    const other = freshRoom();
    await request(b, 'join', { room: other });
    expect(await request(a, 'get_online_users', { room: other })).toEqual({
      success: false,
      message: ERRORS.notMember,
    });
  });
});
