import type { FrameList } from './write-coalescing.js';

/**
 * A list of one room's frames, shared by the members waiting for their flush (write-coalescing
 * `attachFrames`).
 */
class RoomFrameList<Member> implements FrameList {
  readonly frames: Buffer[] = [];
  attached = 0;

  constructor(readonly feed: RoomFeed<Member>) {}

  released(owner: unknown): void {
    this.feed.toVisit.push(owner as Member);
  }
}

/**
 * What a room's batch broadcasts need to reach each member once per flush instead of once per
 * batch. Under load a member waits several batches for its turn in the flush; walking the
 * whole room for every batch (a thousand members: ~1 ms, most of it cache misses on each
 * member's connection objects) to append the same frame to each member's queue cost as much as
 * the commit before it. Instead, a member whose turn has not come is attached to a shared list
 * of frames, and a batch is pushed onto that list once. A batch visits only the members that
 * are not on a list: those flushed (or written to otherwise) since the last batch, and those
 * the list cannot serve (engine.io's path, frames of their own queued, another room's list).
 *
 * The members to visit are the whole room until one walk over it has been made, and again
 * after anyone joins; a member that leaves is taken off the list with the frames it had (see
 * `detachFrames`), and a visit skips sockets no longer in the room.
 *
 * A list takes new members only until its first frame: the members visited for one batch
 * share a list, and the next batch's visits start another. So every frame a list holds is
 * owed to each of its members, and a frame is let go as soon as the last member that waits for
 * it is flushed. (A list used to take members until it held 64 frames, and kept them all until
 * its last member was flushed: under load a frame then lived ~64 batches, hundreds of ms,
 * outlived two young-generation GCs and was promoted with its ArrayBuffer, whose bytes V8
 * counts towards the next major GC: ~1 MB/s of ArrayBuffers at 4,000 msg/s, every frame sent.
 * docs/benchmarks.md, "A list per batch".)
 */
export class RoomFeed<Member> {
  /** Lists with members attached, the newest last (new attachments go there). */
  private lists: RoomFrameList<Member>[] = [];
  /**
   * Members to visit at the next batch; meaningful once `walked`. A member that disconnected
   * stays here until the room's next batch (at most the room's members at its last batch).
   */
  toVisit: Member[] = [];
  /** Whether every member is on one of the lists or in `toVisit`. */
  walked = false;

  /** The list to attach members to now: this batch's (see the class comment). */
  current(): FrameList {
    let list = this.lists[this.lists.length - 1];
    if (list === undefined || list.frames.length > 0) {
      list = new RoomFrameList(this);
      this.lists.push(list);
    }
    return list;
  }

  /** Whether `list` is one of this room's. */
  owns(list: FrameList | undefined): boolean {
    return list instanceof RoomFrameList && list.feed === this;
  }

  /** The members to visit for this batch; the next batch's are collected from now on. */
  takeVisits(): Member[] {
    const visits = this.toVisit;
    this.toVisit = [];
    return visits;
  }

  /** Pushes a batch's frame onto every list with members attached; drops the others. */
  push(frame: Buffer): void {
    const lists = this.lists;
    let kept = 0;
    for (let i = 0; i < lists.length; i++) {
      const list = lists[i] as RoomFrameList<Member>;
      if (list.attached === 0) continue;
      list.frames.push(frame);
      lists[kept++] = list;
    }
    lists.length = kept;
  }

  /** Frames held for members (tests: bounded). */
  heldFrames(): number {
    return this.lists.reduce((sum, list) => sum + list.frames.length, 0);
  }
}
