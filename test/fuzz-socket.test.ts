import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_EVENTS } from '../src/protocol/index.js';
import { connectSocket, newUser, request, type TestSocket } from './helpers/clients.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const nasty = fc.oneof(
  fc.string(),
  fc
    .array(fc.integer({ min: 0xd800, max: 0xdfff }), { maxLength: 4 })
    .map((c) => String.fromCharCode(...c)),
  fc.nat({ max: 200_000 }).map((n) => 'y'.repeat(n)),
  fc.constantFrom('__proto__', 'constructor', 'general', 'room_1', 'dm_1', ''),
);

const field = fc.oneof(nasty, fc.jsonValue(), fc.integer(), fc.boolean());

/** Packets up to 1 MiB must be answered; a larger one may close the connection (PROTOCOL.md). */
const PACKET_BUDGET = 900_000;
const fitsInPacket = (value: unknown) =>
  value === undefined ||
  Buffer.isBuffer(value) ||
  Buffer.byteLength(JSON.stringify(value)) < PACKET_BUDGET;

const anyPayload = fc.oneof(
  fc.jsonValue(),
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  fc
    .record({ key: fc.constantFrom('__proto__', 'constructor'), value: fc.jsonValue() })
    .map(({ key, value }) => JSON.parse(`{"${key}": ${JSON.stringify(value)}}`)),
  fc.record(
    {
      room: field,
      content: field,
      client_id: field,
      typing: field,
      before: field,
      limit: field,
      last_id: field,
      participants: fc.oneof(fc.array(nasty, { maxLength: 60 }), field),
      name: field,
      username: field,
    },
    { requiredKeys: [] },
  ),
);
const payload = anyPayload.filter(fitsInPacket);

const eventName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CLIENT_EVENTS) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('constructor', '__proto__', 'toString'),
    ),
  },
);

const RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

describe('socket events under random input', { timeout: 120_000 }, () => {
  let server: TestServer;
  let user: { username: string; token: string };
  let socket: TestSocket;
  let disconnected = false;

  beforeAll(async () => {
    server = await startTestServer();
    user = await newUser(server);
    socket = await connectSocket(server, user.token);
    socket.on('disconnect', () => {
      disconnected = true;
    });
  });
  afterAll(async () => {
    socket.close();
    await server.close();
  });

  it('answers every random event with an envelope and never drops the connection', async () => {
    const errors: unknown[] = [];
    socket.on('error', (e) => errors.push(e));
    await fc.assert(
      fc.asyncProperty(eventName, payload, fc.boolean(), async (event, body, withAck) => {
        if (RESERVED.has(event)) return;
        const emit = socket.emit as (...args: unknown[]) => void;
        if (withAck) {
          const answer = await new Promise<Record<string, unknown>>((resolve) =>
            body === undefined
              ? emit.call(socket, event, resolve)
              : emit.call(socket, event, body, resolve),
          );
          expect(typeof answer.success).toBe('boolean');
          if (answer.success === false) expect(typeof answer.message).toBe('string');
        } else {
          emit.call(socket, event, body);
        }
        expect(disconnected).toBe(false);
      }),
      { numRuns: RUNS * 4 },
    );
    for (const e of errors) expect(typeof (e as { message: unknown }).message).toBe('string');
  });

  it('still sends a normal message on the same socket afterwards', async () => {
    expect(socket.connected).toBe(true);
    expect((await request(socket, 'join', { room: 'general' })).success).toBe(true);
    const ack = await request(socket, 'send_message', {
      content: 'after the storm',
      room: 'general',
    });
    expect(ack.success).toBe(true);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });
});
