/**
 * Cuts a stream of unmasked WebSocket frames (server to client) into frames, reading them where
 * they lie in each chunk: only a frame cut by a read boundary is copied, and only its own bytes.
 * (Joining each chunk to the cut frame before it copied every read, up to 128 KB, into a new
 * buffer, and the further the load generator fell behind, the larger its reads and the more it
 * copied: docs/benchmarks.md, "Clients".)
 */
export type FrameHandler = (data: Buffer, start: number, end: number, opcode: number) => boolean;

/** The longest header of a server frame (unmasked, 64-bit length). */
const HEADER_MAX = 10;

/**
 * The whole length (header and payload) of the unmasked frame at `offset`, or -1 while its
 * header is not all there.
 */
export function frameLength(data: Buffer, offset: number, length: number): number {
  if (offset + 2 > length) return -1;
  const short = (data[offset + 1] as number) & 0x7f;
  if (short < 126) return 2 + short;
  if (short === 126) {
    return offset + 4 > length
      ? -1
      : 4 + (((data[offset + 2] as number) << 8) | (data[offset + 3] as number));
  }
  return offset + 10 > length ? -1 : 10 + Number(data.readBigUInt64BE(offset + 2));
}

/** A server frame's header length, from the 7-bit length in its second byte. */
function headerLength(short: number): number {
  return short < 126 ? 2 : short === 126 ? 4 : HEADER_MAX;
}

export class FrameReader {
  /** The start of a frame the last chunk cut (a copy: chunks may be reused once read). */
  private pending: Buffer | null = null;

  /** `onFrame` gets each frame's payload as `data[start, end)`; false stops the reader. */
  constructor(private readonly onFrame: FrameHandler) {}

  /** Reads a chunk; `chunk` may be overwritten once this returns. False once stopped. */
  push(chunk: Buffer): boolean {
    const pending = this.pending;
    if (pending === null) return this.walk(chunk);
    this.pending = null;
    const head = Buffer.concat([pending, chunk.subarray(0, HEADER_MAX)]);
    const length = frameLength(head, 0, head.length);
    if (length < 0 || length - pending.length > chunk.length) {
      this.pending = Buffer.concat([pending, chunk]);
      return true;
    }
    const used = length - pending.length;
    if (!this.walk(Buffer.concat([pending, chunk.subarray(0, used)]))) return false;
    return used === chunk.length || this.walk(chunk.subarray(used));
  }

  private walk(data: Buffer): boolean {
    let offset = 0;
    const length = data.length;
    for (;;) {
      const frame = frameLength(data, offset, length);
      if (frame < 0 || offset + frame > length) break;
      const start = offset + headerLength((data[offset + 1] as number) & 0x7f);
      const end = offset + frame;
      if (!this.onFrame(data, start, end, (data[offset] as number) & 0x0f)) return false;
      offset = end;
    }
    if (offset < length) this.pending = Buffer.from(data.subarray(offset));
    return true;
  }
}
