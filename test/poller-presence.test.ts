import { describe, expect, it } from 'vitest';
import { api, freshRoom, newUsers, nextEvent, request } from './helpers/clients.js';
import { sharedServer } from './helpers/sockets.js';

// A short poller window (the protocol's is 30 s) so its end comes within the test.
const suite = sharedServer({ config: { pollerOnlineSeconds: 0.5 } });

async function roomList(token: string, room: string): Promise<string[]> {
  const response = await api(suite.server, 'GET', `/online?room=${room}`, undefined, token);
  return response.body.users as string[];
}

describe('REST pollers in room lists', () => {
  it('lists a poller in their rooms while they poll, and sends update_users without them once their window ends', async () => {
    const [alice, pat] = await newUsers(suite.server, 2);
    const room = freshRoom('poll');
    await api(suite.server, 'POST', '/join_room', { room }, pat.token);
    const socket = await suite.online(alice.token);
    await request(socket, 'join', { room });

    const withPat = nextEvent(
      socket,
      'update_users',
      (p) => p.room === room && p.users.includes(pat.username),
    );
    await api(suite.server, 'GET', '/messages', undefined, pat.token);
    await withPat;
    const withoutPat = nextEvent(
      socket,
      'update_users',
      (p) => p.room === room && !p.users.includes(pat.username),
    );
    expect(await roomList(alice.token, room)).toContain(pat.username);

    const list = await withoutPat;
    expect(list.users).toEqual([alice.username]);
    expect(await roomList(alice.token, room)).toEqual([alice.username]);
  });
});
