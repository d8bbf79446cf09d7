import { describe, expect, it } from 'vitest';
import { FrameReader, frameLength } from './frame-reader.js';

/** An unmasked server text frame, as a server writes it. */
function frame(text: string, opcode = 0x1): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const header =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65_536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(n)]);
  return Buffer.concat([header, payload]);
}

function bigLength(n: number): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(n));
  return length;
}

/** Feeds `chunks` through one reusable read buffer, as net's `onread` does. */
function read(chunks: Buffer[]): string[] {
  const seen: string[] = [];
  const reader = new FrameReader((data, start, end) => {
    seen.push(data.toString('utf8', start, end));
    return true;
  });
  const shared = Buffer.alloc(200_000);
  for (const chunk of chunks) {
    chunk.copy(shared);
    reader.push(shared.subarray(0, chunk.length));
    shared.fill(0x2a);
  }
  return seen;
}

describe('FrameReader', () => {
  const texts = ['42["new_message",{"id":1}]', 'x'.repeat(300), '2', 'y'.repeat(70_000), '3'];
  const stream = Buffer.concat(texts.map((text) => frame(text)));

  it('reads every frame of one chunk', () => {
    expect(read([stream])).toEqual(texts);
  });

  it('reads every frame whatever byte a read boundary falls on, with the read buffer reused', () => {
    for (let cut = 1; cut < stream.length; cut += cut < 400 ? 1 : 997) {
      expect(read([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(texts);
    }
  });

  it('reads frames cut into many small reads, headers included', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 3) chunks.push(stream.subarray(i, i + 3));
    expect(read(chunks)).toEqual(texts);
  });

  it('stops when the handler says so', () => {
    const seen: number[] = [];
    const reader = new FrameReader((_data, _start, _end, opcode) => {
      seen.push(opcode);
      return opcode !== 0x8;
    });
    expect(reader.push(Buffer.concat([frame('a'), frame('', 0x8), frame('b')]))).toBe(false);
    expect(seen).toEqual([0x1, 0x8]);
  });

  it('gives a frame length only once its header is all there', () => {
    const long = frame('z'.repeat(200));
    expect(frameLength(long, 0, 1)).toBe(-1);
    expect(frameLength(long, 0, 3)).toBe(-1);
    expect(frameLength(long, 0, 4)).toBe(204);
  });
});
