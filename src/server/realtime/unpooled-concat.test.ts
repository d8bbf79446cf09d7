import { describe, expect, it } from 'vitest';
import { concatUnpooled } from './unpooled-concat.js';

describe('concatUnpooled', () => {
  const chunks = [Buffer.from([0x81, 0x05]), Buffer.from('hello'), Buffer.from('!')];

  it('joins the chunks as Buffer.concat does', () => {
    expect(concatUnpooled(chunks)).toEqual(Buffer.concat(chunks));
    expect(concatUnpooled([])).toEqual(Buffer.alloc(0));
    expect(concatUnpooled([chunks[1] as Buffer]).toString()).toBe('hello');
  });

  it("owns its memory, where Buffer.concat of small chunks is a slice of Node's shared pool", () => {
    const pooled = Buffer.concat(chunks);
    expect(pooled.buffer.byteLength).toBe(Buffer.poolSize);
    const joined = concatUnpooled(chunks);
    expect(joined.byteOffset).toBe(0);
    expect(joined.buffer.byteLength).toBe(joined.length);
  });
});
