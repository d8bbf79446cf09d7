import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareUsernames, ERRORS, type Room } from '../src/protocol/index.js';
import type { Clock } from '../src/server/shared/clock.js';
import { freshRoom, PASSWORD, uniqueName } from './helpers/clients.js';
import { inject } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** A clock the tests move by hand (poller presence expires after 30 s). */
const clock: Clock & { ms: number } = {
  ms: Date.UTC(2030, 0, 1),
  now: () => clock.ms,
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ listen: false, deps: { clock } });
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

const post = (token: string, url: string, body: unknown) =>
  inject(server, 'POST', url, { token, body });

async function roomsOf(token: string): Promise<Room[]> {
  const response = await inject(server, 'GET', '/rooms', { token });
  expect(response.status).toBe(200);
  return response.body.rooms as Room[];
}

async function online(token: string, room?: string) {
  return inject(server, 'GET', room === undefined ? '/online' : `/online?room=${room}`, { token });
}

describe('GET /rooms', () => {
  it("lists the caller's rooms as Room objects", async () => {
    const alice = await user();
    const rooms = await roomsOf(alice.token);
    expect(rooms[0]).toEqual({
      id: 'general',
      name: 'general',
      kind: 'public',
      admin: null,
      members: expect.arrayContaining([alice.username]),
    });
    expect(rooms).toHaveLength(1);
    const members = rooms[0]?.members ?? [];
    expect(members).toEqual([...members].sort(compareUsernames));
  });

  it('lists public, group and direct rooms, and nothing of other people', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const room = freshRoom('pub');
    await post(alice.token, '/join_room', { room });
    await post(alice.token, '/create_room', { participants: [bob.username] });
    await post(alice.token, '/send', { recipient: bob.username, content: 'dm' });
    const kinds = (await roomsOf(alice.token)).map((r) => r.kind);
    expect(kinds.sort()).toEqual(['direct', 'group', 'public', 'public']);
    expect((await roomsOf(carol.token)).map((r) => r.id)).toEqual(['general']);
  });
});

describe('POST /join_room', () => {
  it('joins a public room by name, creating it on first use, with a lowercase id', async () => {
    const alice = await user();
    const name = `Lobby-${Math.random().toString(36).slice(2, 8)}`;
    const response = await post(alice.token, '/join_room', { room: name });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      room: {
        id: name.toLowerCase(),
        name: name.toLowerCase(),
        kind: 'public',
        admin: null,
        members: [alice.username],
      },
    });
  });

  it('is idempotent and lets a second user in', async () => {
    const [alice, bob] = [await user(), await user()];
    const room = freshRoom('club');
    await post(alice.token, '/join_room', { room });
    const again = await post(alice.token, '/join_room', { room });
    expect(again.status).toBe(200);
    const second = await post(bob.token, '/join_room', { room });
    expect((second.body.room as Room).members.sort()).toEqual(
      [alice.username, bob.username].sort(),
    );
  });

  it.each([
    ['a space', 'two words'],
    ['31 characters', 'r'.repeat(31)],
    ['the group prefix', 'room_1'],
    ['the direct prefix', 'dm_1'],
    ['a non-ASCII letter', 'café'],
    ['an empty name', ''],
    ['only spaces', '   '],
  ])('answers 400 with the room name rule for a name with %s', async (_, room) => {
    const alice = await user();
    const response = await post(alice.token, '/join_room', { room });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ success: false, message: ERRORS.roomNameShape });
  });
});

describe('POST /create_room', () => {
  it('creates a private group with the caller as admin and member (201)', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const response = await post(alice.token, '/create_room', {
      participants: [bob.username, carol.username.toUpperCase(), bob.username],
      name: '  Weekend plans  ',
    });
    expect(response.status).toBe(201);
    const room = response.body.room as Room;
    expect(room).toEqual({
      id: expect.stringMatching(/^room_\d+$/),
      name: 'Weekend plans',
      kind: 'group',
      admin: alice.username,
      members: [alice.username, bob.username, carol.username].sort(compareUsernames),
    });
    expect((await roomsOf(bob.token)).map((r) => r.id)).toContain(room.id);
  });

  it('names a group after its members when no name is given', async () => {
    const [alice, bob] = [await user(), await user()];
    const response = await post(alice.token, '/create_room', { participants: [bob.username] });
    expect((response.body.room as Room).name).toBe(`${alice.username}, ${bob.username}`);
  });

  it('gives every group its own id', async () => {
    const [alice, bob] = [await user(), await user()];
    const a = await post(alice.token, '/create_room', { participants: [bob.username] });
    const b = await post(alice.token, '/create_room', { participants: [bob.username] });
    expect((a.body.room as Room).id).not.toBe((b.body.room as Room).id);
  });

  it('answers 404 "Unknown user: <name>" for a participant who does not exist', async () => {
    const [alice, bob] = [await user(), await user()];
    const response = await post(alice.token, '/create_room', {
      participants: [bob.username, 'ghost_user_x'],
    });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ success: false, message: 'Unknown user: ghost_user_x' });
    expect((await roomsOf(bob.token)).map((r) => r.kind)).not.toContain('group');
  });

  it('answers 400 when there is no other participant', async () => {
    const alice = await user();
    for (const participants of [[], [alice.username], ['', '  ']]) {
      const response = await post(alice.token, '/create_room', { participants });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: ERRORS.participantsRequired });
    }
  });

  it('answers 400 for more than 50 participants or a bad name', async () => {
    const alice = await user();
    const many = await post(alice.token, '/create_room', {
      participants: Array.from({ length: 51 }, (_, i) => `p${i}`),
    });
    expect(many.body).toEqual({ success: false, message: ERRORS.tooManyParticipants });
    const bob = await user();
    for (const name of ['', '   ', 'n'.repeat(31)]) {
      const response = await post(alice.token, '/create_room', {
        participants: [bob.username],
        name,
      });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ success: false, message: ERRORS.groupNameShape });
    }
  });
});

describe('POST /leave_room', () => {
  it('removes the caller from the room: its history is closed to them afterwards', async () => {
    const alice = await user();
    const room = freshRoom('leave');
    await post(alice.token, '/join_room', { room });
    const response = await post(alice.token, '/leave_room', { room_id: room });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ success: true });
    expect((await roomsOf(alice.token)).map((r) => r.id)).not.toContain(room);
    const history = await inject(server, 'GET', `/rooms/${room}/messages`, { token: alice.token });
    expect(history.status).toBe(403);
  });

  it('answers 403 for a room the caller is not in and 404 for a room that does not exist', async () => {
    const [alice, bob] = [await user(), await user()];
    const room = freshRoom('other');
    await post(bob.token, '/join_room', { room });
    const notMember = await post(alice.token, '/leave_room', { room_id: room });
    expect(notMember.status).toBe(403);
    expect(notMember.body).toEqual({ success: false, message: ERRORS.notMember });
    for (const room_id of ['never-made', 'room_987654', 'Bad Name!']) {
      const unknown = await post(alice.token, '/leave_room', { room_id });
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ success: false, message: ERRORS.roomNotFound });
    }
  });

  it('passes a group to its oldest remaining member when the admin leaves', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const created = await post(alice.token, '/create_room', {
      participants: [bob.username, carol.username],
    });
    const id = (created.body.room as Room).id;
    await post(alice.token, '/leave_room', { room_id: id });
    const room = (await roomsOf(bob.token)).find((r) => r.id === id);
    expect(room?.members).not.toContain(alice.username);
    expect([bob.username, carol.username]).toContain(room?.admin);
  });
});

describe('GET /online', () => {
  it('counts a user who polled /messages as online for 30 seconds', async () => {
    const [alice, bob] = [await user(), await user()];
    expect((await online(alice.token)).body.users).not.toContain(bob.username);
    await inject(server, 'GET', '/messages', { token: bob.token });
    expect((await online(alice.token)).body.users).toContain(bob.username);
    clock.ms += 29_000;
    expect((await online(alice.token)).body.users).toContain(bob.username);
    clock.ms += 2_000;
    expect((await online(alice.token)).body.users).not.toContain(bob.username);
  });

  it('sorts the users case-insensitively', async () => {
    const suffix = Math.random().toString(36).slice(2, 7);
    const names = [`zed${suffix}`, `Amy${suffix}`, `bob${suffix}`, `Carl${suffix}`];
    const tokens = [];
    for (const name of names) tokens.push((await user(name)).token);
    for (const token of tokens) await inject(server, 'GET', '/messages', { token });
    const response = await online(tokens[0] as string);
    expect(response.status).toBe(200);
    const users = response.body.users as string[];
    expect(users).toEqual([...users].sort(compareUsernames));
    expect(users.filter((u) => u.endsWith(suffix))).toEqual([
      `Amy${suffix}`,
      `bob${suffix}`,
      `Carl${suffix}`,
      `zed${suffix}`,
    ]);
  });

  it('lists only the members present in a room with ?room=', async () => {
    const [alice, bob, carol] = [await user(), await user(), await user()];
    const room = freshRoom('on');
    await post(alice.token, '/join_room', { room });
    await post(bob.token, '/join_room', { room });
    for (const u of [alice, bob, carol])
      await inject(server, 'GET', '/messages', { token: u.token });
    const response = await online(alice.token, room);
    expect(response.status).toBe(200);
    expect(response.body.users).toEqual([alice.username, bob.username].sort(compareUsernames));
  });

  it('answers 403 for a room the caller is not in and 404 for an unknown room', async () => {
    const [alice, bob] = [await user(), await user()];
    const room = freshRoom('priv');
    await post(bob.token, '/join_room', { room });
    const forbidden = await online(alice.token, room);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ success: false, message: ERRORS.notMember });
    const unknown = await online(alice.token, 'nowhere-at-all');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ success: false, message: ERRORS.roomNotFound });
  });
});
