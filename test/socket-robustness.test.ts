import { describe, expect, it } from 'vitest';
import { CLIENT_EVENTS, ERRORS, type Message } from '../src/protocol/index.js';
import {
  collect,
  connectSocket,
  newUser,
  newUsers,
  nextEvent,
  request,
  type TestSocket,
} from './helpers/clients.js';
import { disconnected, sharedServer } from './helpers/sockets.js';

const suite = sharedServer();

const big = 'x'.repeat(500_000);
let deep: unknown = 'bottom';
for (let i = 0; i < 200; i++) deep = i % 2 ? [deep] : { a: deep };

/** Every kind of wrong payload a client could send. `NONE` means no payload argument at all. */
const NONE = Symbol('none');
const PAYLOADS: unknown[] = [
  NONE,
  null,
  0,
  -1,
  'a string',
  true,
  [],
  [1, 2, 3],
  {},
  { room: 5 },
  { room: null },
  { room: ['general'] },
  { room: { id: 'general' } },
  { content: null },
  { content: 42 },
  { content: 'x', room: 'general', extra: 'field' },
  { content: { toString: 'x' } },
  { typing: 'yes', room: 'general' },
  { participants: 'bob' },
  { participants: [null, 1, {}] },
  { username: { $ne: null } },
  { last_id: 'x' },
  { last_id: -5 },
  { last_id: Number.MAX_SAFE_INTEGER + 10 },
  { before: 'x', room: 'general', limit: -1 },
  { limit: 1e9, room: 'general' },
  JSON.parse('{"__proto__": {"polluted": true}, "room": "general"}'),
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}'),
  deep,
];

/** Oversized fields (packets still under 1 MiB), each sent to the event that reads it. */
const OVERSIZED: [string, unknown][] = [
  ['join', { room: big }],
  ['leave', { room: big }],
  ['send_message', { content: big }],
  ['send_message', { content: 'x', room: big, client_id: big }],
  ['history', { room: big }],
  ['typing', { room: big, typing: true }],
  ['get_online_users', { room: big }],
  ['open_direct', { username: big }],
  ['create_room', { participants: [big] }],
  ['create_room', { participants: ['a'], name: big }],
  ['create_room', { participants: Array.from({ length: 10_000 }, (_, i) => `u${i}`) }],
];

const EVENTS = [
  ...CLIENT_EVENTS,
  'nope',
  'error',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'message',
  'x'.repeat(1000),
];

function emitRaw(socket: TestSocket, event: string, payload: unknown, ack?: (r: unknown) => void) {
  const args: unknown[] = payload === NONE ? [] : [payload];
  if (ack) args.push(ack);
  (socket.emit as (...a: unknown[]) => void)(event, ...args);
}

describe('malformed socket traffic', () => {
  it('answers every malformed event in its ack with the envelope and keeps the socket', async () => {
    const alice = await newUser(suite.server);
    const socket = await connectSocket(suite.server, alice.token);
    const disconnects: string[] = [];
    socket.on('disconnect', (reason) => disconnects.push(reason));
    const answers: Promise<unknown>[] = [];
    for (const event of EVENTS) {
      for (const payload of PAYLOADS) {
        answers.push(
          new Promise((resolve) => emitRaw(socket, event, payload, (r) => resolve([event, r]))),
        );
      }
    }
    for (const [event, payload] of OVERSIZED) {
      answers.push(
        new Promise((resolve) => emitRaw(socket, event, payload, (r) => resolve([event, r]))),
      );
    }
    const results = (await Promise.all(answers)) as [string, Record<string, unknown>][];
    expect(results).toHaveLength(EVENTS.length * PAYLOADS.length + OVERSIZED.length);
    const oversized = results.slice(-OVERSIZED.length);
    for (const [event, answer] of oversized) expect(answer.success, event).toBe(false);
    for (const [event, answer] of results) {
      expect(typeof answer.success, event).toBe('boolean');
      if (answer.success === false) {
        expect(Object.keys(answer).sort()).toEqual(['message', 'success']);
        expect(typeof answer.message).toBe('string');
        expect(String(answer.message).length).toBeLessThan(300);
        expect(String(answer.message)).not.toMatch(/\n\s+at |SELECT|INSERT|sqlite/i);
      }
    }
    const unknown = results.find(([event]) => event === 'nope')?.[1];
    expect(unknown).toEqual({ success: false, message: 'Unknown event: nope' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(socket.connected).toBe(true);
    expect(disconnects).toEqual([]);

    const message = await request(socket, 'send_message', { content: 'still here' });
    expect(message.success).toBe(true);
    expect((message.message as Message).content).toBe('still here');
    socket.close();
  });

  it('reports malformed events without an ack as error events and keeps the socket', async () => {
    const alice = await newUser(suite.server);
    const socket = await connectSocket(suite.server, alice.token);
    const errors = collect(socket, 'error');
    for (const event of ['join', 'leave', 'send_message', 'history', 'sync', 'nope', 'error']) {
      for (const payload of PAYLOADS) emitRaw(socket, event, payload);
    }
    const after = await request(socket, 'send_message', { content: 'after the storm' });
    expect(after.success).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(Object.keys(error)).toEqual(['message']);
      expect(typeof error.message).toBe('string');
    }
    expect(errors).toContainEqual({ message: ERRORS.noData });
    expect(errors).toContainEqual({ message: 'Unknown event: nope' });
    expect(errors).toContainEqual({ message: 'Unknown event: error' });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('gives the clear error for an over-long field in a packet under 1 MiB', async () => {
    const alice = await newUser(suite.server);
    const socket = await connectSocket(suite.server, alice.token);
    const ack = await request(socket, 'send_message', { content: 'y'.repeat(900_000) });
    expect(ack).toEqual({ success: false, message: ERRORS.messageTooLong });
    expect(socket.connected).toBe(true);
    socket.close();
  });

  it('closes only the connection that sends a packet over 1 MiB', async () => {
    const [alice, bob] = await newUsers(suite.server, 2);
    const rude = await connectSocket(suite.server, alice.token);
    const polite = await connectSocket(suite.server, bob.token);
    const gone = disconnected(rude);
    rude.emit('send_message', { content: 'z'.repeat(1_100_000) });
    await gone;
    const seen = nextEvent(polite, 'new_message', (m) => m.content === 'unaffected');
    expect((await request(polite, 'send_message', { content: 'unaffected' })).success).toBe(true);
    await seen;
    polite.close();
  });
});
