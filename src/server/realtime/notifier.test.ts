import { describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/index.js';
import { type ChatServer, Notifier } from './notifier.js';

const message = (id: number, room: string): Message =>
  ({
    id,
    room,
    username: 'ann',
    content: `m${id}`,
    timestamp: '2026-11-21T00:00:00.000Z',
  }) as Message;

describe('Notifier.newMessages', () => {
  function rig(batching: boolean) {
    const sent: string[] = [];
    const io = {
      to: (room: string) => ({
        emit: (_event: string, payload: Message) => sent.push(`${room} ${payload.id}`),
      }),
    } as unknown as ChatServer;
    const emitBatch = (room: string, _event: string, payloads: readonly unknown[]) =>
      sent.push(`${room} [${payloads.map((p) => (p as Message).id).join(',')}]`);
    return { sent, notifier: new Notifier(io, () => 'now', batching ? emitBatch : undefined) };
  }

  it('emits each run of one room’s messages as one batch, keeping id order across rooms', () => {
    const { sent, notifier } = rig(true);
    notifier.newMessages([
      message(1, 'a'),
      message(2, 'a'),
      message(3, 'b'),
      message(4, 'a'),
      message(5, 'a'),
      message(6, 'a'),
    ]);
    expect(sent).toEqual(['room:a [1,2]', 'room:b 3', 'room:a [4,5,6]']);
  });

  it('emits one message at a time without a batch emitter (several nodes)', () => {
    const { sent, notifier } = rig(false);
    notifier.newMessages([message(1, 'a'), message(2, 'a'), message(3, 'b')]);
    expect(sent).toEqual(['room:a 1', 'room:a 2', 'room:b 3']);
  });
});
