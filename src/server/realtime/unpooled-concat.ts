/**
 * `Buffer.concat` into memory of its own instead of a slice of Node's shared 8 KB pool.
 *
 * A broadcast's frame waits on its room's frame lists until every member's turn in the flush
 * (room-feed.ts); when the flush falls behind (a stall, a backlog) that outlives two scavenges,
 * and V8 promotes it. A pool slice
 * keeps its whole pool alive, and V8 counts every ArrayBuffer byte allocated since the last
 * major GC against the old generation's limit: a promoted slice of a few hundred bytes counted
 * as 8 KB, and the major GCs came that much sooner (docs/benchmarks.md, "Marking starts later").
 */
export function concatUnpooled(chunks: readonly Buffer[]): Buffer {
  let length = 0;
  for (let i = 0; i < chunks.length; i++) length += (chunks[i] as Buffer).length;
  const joined = Buffer.allocUnsafeSlow(length);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as Buffer;
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}
