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

  it('starts a new list once the current one is full, and keeps the old one while members wait on it', () => {
    const feed = new RoomFeed<number>();
    const old = feed.current();
    old.attached = 1;
    for (let i = 0; i < 64; i++) feed.push(frame(i));
    const fresh = feed.current();
    expect(fresh).not.toBe(old);
    expect(feed.owns(old)).toBe(true);
    expect(feed.owns(fresh)).toBe(true);
    expect(new RoomFeed<number>().owns(fresh)).toBe(false);
    fresh.attached = 1;
    feed.push(frame(64));
    expect(old.frames).toHaveLength(65);
    expect(fresh.frames).toEqual([frame(64)]);
    // The old list's last member is flushed: it is dropped at the next push, the new one kept.
    old.attached = 0;
    feed.push(frame(65));
    expect(feed.heldFrames()).toBe(2);
  });

  it('holds a bounded number of frames however many batches pass, as members are flushed', () => {
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
    expect(feed.heldFrames()).toBeLessThanOrEqual(64);
  });
});
