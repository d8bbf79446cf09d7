import { getHeapSpaceStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LoginBody, RegisterBody } from './credentials.js';
import { ERRORS } from './errors.js';
import { SendBody, SendMessagePayload } from './message.js';
import { CreateRoomBody, JoinRoomBody, LeaveRoomBody } from './room.js';
import { HistoryPayload, JoinPayload, OnlineUsersPayload, pageSize } from './socket-payloads.js';
import { describeIssue, parsePayload } from './validation.js';

const failure = (message: string) => ({ ok: false, message });

describe('describeIssue', () => {
  it('calls a wrong type at the root "No data provided"', () => {
    expect(describeIssue({ code: 'invalid_type', path: [], expected: 'object' })).toBe(
      ERRORS.noData,
    );
  });

  it('names the field and the type expected for a wrong type inside', () => {
    expect(describeIssue({ code: 'invalid_type', path: ['room'], expected: 'string' })).toBe(
      'Invalid room: expected string',
    );
    expect(describeIssue({ code: 'invalid_type', path: ['a', 0, 'b'], expected: 'number' })).toBe(
      'Invalid a.0.b: expected number',
    );
  });

  it('names unknown fields', () => {
    expect(describeIssue({ code: 'unrecognized_keys', keys: ['admin'] })).toBe(
      'Unknown field: admin',
    );
    expect(describeIssue({ code: 'unrecognized_keys', keys: ['a', 'b'] })).toBe(
      'Unknown fields: a, b',
    );
  });

  it('gives the maximum of a field that is too long', () => {
    expect(describeIssue({ code: 'too_big', path: ['room'], maximum: 200 })).toBe(
      'room is too long (at most 200)',
    );
  });

  it('falls back to "Invalid <field>", or "No data provided" at the root', () => {
    expect(describeIssue({ code: 'too_small', path: ['limit'] })).toBe('Invalid limit');
    expect(describeIssue({ code: 'custom', path: [] })).toBe(ERRORS.noData);
  });
});

describe('parsePayload', () => {
  it('returns the parsed (and transformed) data on success', () => {
    expect(parsePayload(JoinRoomBody, { room: '  Lobby ' })).toEqual({
      ok: true,
      data: { room: 'lobby' },
    });
  });

  it('answers the first problem, in words', () => {
    const schema = z.strictObject({ a: z.string(), b: z.number() });
    expect(parsePayload(schema, { a: 1, b: 'x' })).toEqual(failure('Invalid a: expected string'));
    expect(parsePayload(schema, null)).toEqual(failure(ERRORS.noData));
    expect(parsePayload(schema, [1])).toEqual(failure(ERRORS.noData));
    expect(parsePayload(schema, { a: 'x', b: 1, c: 2 })).toEqual(failure('Unknown field: c'));
  });

  it('parses valid payloads without allocating in the old generation', () => {
    // Options given to zod's safeParse are copied into a context object (`{ ...options, async:
    // false }`), and V8 gives each such object a hidden class of its own, in the old generation:
    // ~230 bytes a parse, kept until the next major GC (see parsePayload). A parse's own
    // objects are born young and die young.
    const oldSpace = () =>
      getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ??
      0;
    const parses = 20_000;
    const bytesPerParse = () => {
      const before = oldSpace();
      for (let i = 0; i < parses; i++) {
        const payload = {
          content: `hello ${i}`,
          room: 'general',
          client_id: `c-${i}`.padStart(24),
        };
        if (!parsePayload(SendMessagePayload, payload).ok) throw new Error('rejected');
      }
      return (oldSpace() - before) / parses;
    };
    bytesPerParse();
    // The least of three: a scavenge during one of them promotes what is live at that moment.
    expect(Math.min(bytesPerParse(), bytesPerParse(), bytesPerParse())).toBeLessThan(40);
  });

  it('keeps the messages a schema gives itself', () => {
    expect(parsePayload(SendMessagePayload, { content: '' })).toEqual(failure(ERRORS.messageEmpty));
    expect(parsePayload(SendMessagePayload, { content: 'x'.repeat(4001) })).toEqual(
      failure(ERRORS.messageTooLong),
    );
  });
});

describe('credential bodies', () => {
  it.each([
    [undefined, ERRORS.noData],
    ['text', ERRORS.noData],
    [{}, ERRORS.credentialsRequired],
    [{ username: '', password: 'long-enough' }, ERRORS.credentialsRequired],
    [{ username: 'a b', password: 'long-enough' }, ERRORS.usernameShape],
    [{ username: 'ab', password: 'short' }, ERRORS.passwordShape],
    [{ username: 'ab', password: '😀'.repeat(7) }, ERRORS.passwordShape],
    [{ username: 'ab', password: 'x'.repeat(129) }, ERRORS.passwordShape],
    [{ username: 'ab', password: 'long-enough', role: 'admin' }, 'Unknown field: role'],
  ])('RegisterBody refuses %j with %j', (body, message) => {
    expect(parsePayload(RegisterBody, body)).toEqual(failure(message));
  });

  it('RegisterBody checks emptiness before shapes', () => {
    expect(parsePayload(RegisterBody, { username: 'bad name!', password: '' })).toEqual(
      failure(ERRORS.credentialsRequired),
    );
    expect(parsePayload(RegisterBody, { username: 'bad name!', password: 'short' })).toEqual(
      failure(ERRORS.usernameShape),
    );
  });

  it('LoginBody does not check shapes: a wrong one is just a failed login', () => {
    expect(parsePayload(LoginBody, { username: 'bad name!', password: 'short' }).ok).toBe(true);
    expect(parsePayload(LoginBody, { username: 'x', password: '' })).toEqual(
      failure(ERRORS.credentialsRequired),
    );
  });
});

describe('message payloads', () => {
  it('SendBody takes `message` for `content` and drops sender fields', () => {
    expect(
      parsePayload(SendBody, { recipient: 'general', message: 'hi', sender: 'bob', username: 'x' }),
    ).toEqual({ ok: true, data: { recipient: 'general', content: 'hi', client_id: undefined } });
  });

  it('SendBody prefers `content` over `message`', () => {
    const parsed = parsePayload(SendBody, { recipient: 'r', content: 'a', message: 'b' });
    expect(parsed.ok && parsed.data.content).toBe('a');
  });

  it('SendMessagePayload drops sender fields', () => {
    expect(
      parsePayload(SendMessagePayload, { content: 'hi', username: 'mallory', sender: 'mallory' }),
    ).toEqual({ ok: true, data: { content: 'hi', room: undefined, client_id: undefined } });
  });

  it('counts content in code points', () => {
    expect(parsePayload(SendMessagePayload, { content: '😀'.repeat(4000) }).ok).toBe(true);
    expect(parsePayload(SendMessagePayload, { content: '😀'.repeat(4001) })).toEqual(
      failure(ERRORS.messageTooLong),
    );
  });
});

describe('room payloads', () => {
  it('reads a missing socket payload as an empty one', () => {
    expect(parsePayload(JoinPayload, undefined)).toEqual({ ok: true, data: {} });
    expect(parsePayload(OnlineUsersPayload, null)).toEqual({ ok: true, data: {} });
  });

  it('join takes public names and room ids, and answers the name rule otherwise', () => {
    expect(parsePayload(JoinPayload, { room: 'Chess' })).toEqual({
      ok: true,
      data: { room: 'chess' },
    });
    expect(parsePayload(JoinPayload, { room: 'room_12' }).ok).toBe(true);
    expect(parsePayload(JoinPayload, { room: 'dm_3' }).ok).toBe(true);
    for (const room of ['two words', 'room_x', 'r'.repeat(31), '']) {
      expect(parsePayload(JoinPayload, { room })).toEqual(failure(ERRORS.roomNameShape));
    }
  });

  it('leaves unknown room references to the server (404), whatever their shape', () => {
    expect(parsePayload(LeaveRoomBody, { room_id: 'Not A Room!' })).toEqual({
      ok: true,
      data: { room_id: 'not a room!' },
    });
  });

  it('limits the participants of a group', () => {
    expect(parsePayload(CreateRoomBody, { participants: 'bob' })).toEqual(
      failure(ERRORS.participantsRequired),
    );
    expect(
      parsePayload(CreateRoomBody, { participants: Array.from({ length: 51 }, (_, i) => `${i}`) }),
    ).toEqual(failure(ERRORS.tooManyParticipants));
  });

  it('takes history cursors as non-negative integers', () => {
    expect(parsePayload(HistoryPayload, { room: 'general', before: -1 }).ok).toBe(false);
    expect(parsePayload(HistoryPayload, { room: 'general', limit: 0 }).ok).toBe(false);
    expect(parsePayload(HistoryPayload, { room: 'general', before: 5, limit: 10 }).ok).toBe(true);
  });
});

describe('pageSize', () => {
  it('uses the default when absent and clamps into [1, max]', () => {
    expect(pageSize(undefined, 50, 100)).toBe(50);
    expect(pageSize(1000, 50, 100)).toBe(100);
    expect(pageSize(0, 50, 100)).toBe(1);
    expect(pageSize(7, 50, 100)).toBe(7);
  });
});
