import { describe, expect, it } from 'vitest';
import { isNewMessage } from './raw-client.js';

/** A frame's payload placed at an offset inside a larger buffer, as a read delivers it. */
function inRead(text: string): [Buffer, number, number] {
  const head = Buffer.from([0x81, 0x10, 0x6a, 0x75, 0x6e, 0x6b]);
  const data = Buffer.concat([head, Buffer.from(text), Buffer.from('tail')]);
  const start = 6;
  return [data, start, start + Buffer.byteLength(text)];
}

describe('isNewMessage', () => {
  it('counts a new_message event packet wherever it lies in the read', () => {
    expect(isNewMessage(...inRead('42["new_message",{"id":1,"content":"hi"}]'))).toBe(true);
    expect(isNewMessage(...inRead('42["new_message"'))).toBe(true);
  });

  it('does not count other events, acks, engine.io packets or a cut prefix', () => {
    for (const text of [
      '42["user_joined",{"room":"general"}]',
      '42["new_messages",{}]',
      '42["new_messagE",{}]',
      '43["new_message"]',
      '41["new_message"]',
      '2',
      '42["new_messag',
      '',
    ]) {
      expect(isNewMessage(...inRead(text)), text).toBe(false);
    }
  });

  it('reads only inside the frame: bytes after its end do not complete a prefix', () => {
    const data = Buffer.from('42["new_message",{}]');
    expect(isNewMessage(data, 0, 15)).toBe(false);
    expect(isNewMessage(data, 0, 16)).toBe(true);
  });
});
