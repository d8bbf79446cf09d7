import { describe, expect, it } from 'vitest';
import { ERRORS, type Room } from '../src/protocol/index.js';
import {
  api,
  collect,
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

describe('create_room', () => {
  it('creates a group, tells every member with room_created and subscribes their sockets at once', async () => {
    const [alice, bob, carol] = await newUsers(suite.server, 3);
    const a = await online(alice.token);
    const bTab1 = await online(bob.token);
    const bTab2 = await online(bob.token);
    const c = await online(carol.token);
    const carolRooms = collect(c, 'room_created');
    const told = [a, bTab1, bTab2].map((s) => nextEvent(s, 'room_created'));
    const ack = await request(a, 'create_room', { participants: [bob.username], name: 'Plans' });
    expect(ack.success).toBe(true);
    const room = ack.room as Room;
    expect(room).toMatchObject({ kind: 'group', name: 'Plans', admin: alice.username });
    expect(room.id).toMatch(/^room_\d+$/);
    for (const event of await Promise.all(told)) expect(event).toEqual({ room });

    const deliveries = [a, bTab1, bTab2].map((s) =>
      nextEvent(s, 'new_message', (m) => m.room === room.id),
    );
    const message = await sendMessage(bTab2, { room: room.id, content: 'no reconnect needed' });
    for (const got of await Promise.all(deliveries)) expect(got).toEqual(message);

    const carolMessages = collect(c, 'new_message');
    await sentinel(a, c, 'general');
    expect(carolRooms).toEqual([]);
    expect(carolMessages.filter((m) => m.room === room.id)).toEqual([]);
  });

  it('answers 404 "Unknown user: <name>" for a participant who does not exist', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const a = await online(alice.token);
    expect(
      await request(a, 'create_room', { participants: [bob.username, 'no_such_person'] }),
    ).toEqual({ success: false, message: 'Unknown user: no_such_person' });
  });

  it('answers 400 without another participant', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    for (const participants of [[], [alice.username]]) {
      expect(await request(a, 'create_room', { participants })).toEqual({
        success: false,
        message: ERRORS.participantsRequired,
      });
    }
  });

  it('tells the members of a group created over HTTP too', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const b = await online(bob.token);
    const told = nextEvent(b, 'room_created');
    const response = await api(
      suite.server,
      'POST',
      '/create_room',
      { participants: [bob.username] },
      alice.token,
    );
    expect(response.status).toBe(201);
    expect(await told).toEqual({ room: response.body.room });
  });
});

describe('open_direct', () => {
  it('creates the direct room once and returns the same room from either side', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const a = await online(alice.token);
    const b = await online(bob.token);
    const told = nextEvent(b, 'room_created');
    const first = await request(a, 'open_direct', { username: bob.username });
    expect(first.success).toBe(true);
    const room = first.room as Room;
    expect(room).toMatchObject({ kind: 'direct', admin: null });
    expect(room.id).toMatch(/^dm_\d+$/);
    expect([...room.members].sort()).toEqual([alice.username, bob.username].sort());
    expect(await told).toEqual({ room });

    const fromBob = await request(b, 'open_direct', { username: alice.username.toUpperCase() });
    expect((fromBob.room as Room).id).toBe(room.id);
    const again = await request(a, 'open_direct', { username: bob.username });
    expect((again.room as Room).id).toBe(room.id);

    const delivered = nextEvent(b, 'new_message', (m) => m.room === room.id);
    const message = await sendMessage(a, { room: room.id, content: 'psst' });
    expect(await delivered).toEqual(message);
  });

  it('answers 404 for an unknown user and 400 for oneself', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    expect(await request(a, 'open_direct', { username: 'nobody_at_all' })).toEqual({
      success: false,
      message: 'Unknown user: nobody_at_all',
    });
    expect(await request(a, 'open_direct', { username: alice.username })).toEqual({
      success: false,
      message: ERRORS.cannotMessageSelf,
    });
  });
});

describe('leave', () => {
  it('stops delivery to every socket of the user and tells those still there', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const tab1 = await online(alice.token);
    const tab2 = await online(alice.token);
    const b = await online(bob.token);
    await request(tab1, 'join', { room });
    await request(b, 'join', { room });
    const bobHears = nextEvent(b, 'user_left', (p) => p.username === alice.username);
    const bobList = nextEvent(b, 'update_users', (p) => p.room === room && p.users.length === 1);
    expect(await request(tab1, 'leave', { room })).toEqual({ success: true });
    expect(await bobHears).toMatchObject({ room, message: `${alice.username} left ${room}` });
    expect((await bobList).users).toEqual([bob.username]);

    const seen = [collect(tab1, 'new_message'), collect(tab2, 'new_message')];
    await sendMessage(b, { room: room, content: 'after alice left' });
    await sentinel(b, tab1, 'general');
    await sentinel(b, tab2, 'general');
    for (const list of seen) expect(list.filter((m) => m.room === room)).toEqual([]);
    expect(await request(tab2, 'send_message', { room, content: 'back?' })).toEqual({
      success: false,
      message: ERRORS.notMember,
    });
  });

  it('answers 403 for a room the user is not in and 404 for an unknown room', async () => {
    const alice = await newUser(suite.server);
    const a = await online(alice.token);
    const room = freshRoom();
    await api(suite.server, 'POST', '/join_room', { room }, (await newUser(suite.server)).token);
    expect(await request(a, 'leave', { room })).toEqual({
      success: false,
      message: ERRORS.notMember,
    });
    expect(await request(a, 'leave', { room: 'never-existed' })).toEqual({
      success: false,
      message: ERRORS.roomNotFound,
    });
  });

  it('applies to sockets when the user leaves over HTTP', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    const b = await online(bob.token);
    await request(a, 'join', { room });
    await request(b, 'join', { room });
    const bobHears = nextEvent(b, 'user_left', (p) => p.username === alice.username);
    await api(suite.server, 'POST', '/leave_room', { room_id: room }, alice.token);
    await bobHears;
    const seen = collect(a, 'new_message');
    await sendMessage(b, { room: room, content: 'alice is gone' });
    await sentinel(b, a, 'general');
    expect(seen.filter((m) => m.room === room)).toEqual([]);
  });
});

describe('joining over HTTP', () => {
  it('subscribes the sockets the user already has', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const room = freshRoom();
    const a = await online(alice.token);
    const b = await online(bob.token);
    await request(b, 'join', { room });
    const joined = nextEvent(b, 'user_joined', (p) => p.username === alice.username);
    await api(suite.server, 'POST', '/join_room', { room }, alice.token);
    await joined;
    const delivered = nextEvent(a, 'new_message', (m) => m.room === room);
    const message = await sendMessage(b, { room: room, content: 'welcome' });
    expect(await delivered).toEqual(message);
  });
});
