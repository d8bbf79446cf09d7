import { describe, expect, it } from 'vitest';
import { RoomFeed } from './room-feed.js';

const frame = (n: number) => Buffer.from(String(n));

describe('RoomFeed', () => {
  it('pushes a frame only onto lists with members attached, and hands released members back', () => {
    const feed = new RoomFeed<string>();
    const list = feed.current();
    list.attached = 2;
    feed.push(frame(1));
    expect(list.frames).toEqual([frame(1)]);
    list.attached--;
    list.released('alice');
    expect(feed.takeVisits()).toEqual(['alice']);
    expect(feed.takeVisits()).toEqual([]);
    list.attached--;
    list.released('bob');
    // Nobody waits on the list any more: the next push drops it.
    feed.push(frame(2));
    expect(feed.heldFrames()).toBe(0);
  });

  it('gives the members visited for each batch a list of their own, kept while they wait', () => {
    const feed = new RoomFeed<number>();
    const first = feed.current();
    // Members visited for the same batch share its list.
    expect(feed.current()).toBe(first);
    first.attached = 2;
    feed.push(frame(1));
    const second = feed.current();
    expect(second).not.toBe(first);
    expect(feed.owns(first)).toBe(true);
    expect(feed.owns(second)).toBe(true);
    expect(new RoomFeed<number>().owns(second)).toBe(false);
    second.attached = 1;
    feed.push(frame(2));
    // Each list holds exactly the frames its members are owed: those pushed since they attached.
    expect(first.frames).toEqual([frame(1), frame(2)]);
    expect(second.frames).toEqual([frame(2)]);
    // The first batch's members are flushed: their list, and with it frame 1, is let go at the
    // next push; the second list is kept for its member.
    first.attached = 0;
    feed.push(frame(3));
    expect(second.frames).toEqual([frame(2), frame(3)]);
    expect(feed.heldFrames()).toBe(2);
  });

  it('holds no frame longer than a member waits for it, however many batches pass', () => {
    const feed = new RoomFeed<number>();
    let attachedTo = feed.current();
    attachedTo.attached = 1;
    for (let batch = 0; batch < 10_000; batch++) {
      feed.push(frame(batch));
      // The member is flushed, and attaches again (to the current list) at the next batch.
      attachedTo.attached--;
      attachedTo = feed.current();
      attachedTo.attached++;
    }
    // Only the last batch's frame, pushed before the member's flush, was still held.
    expect(feed.heldFrames()).toBe(1);
  });
});
