import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/index.js';
import { openStore, type Store } from '../storage/store.js';
import type { AppendResult, MessageStore, NewMessage } from './message-store.js';
import { MessageWriter } from './message-writer.js';

const LONG_AGO = '2000-01-01T00:00:00.000Z';

function item(content: string, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    roomId: 'general',
    userId: 1,
    username: 'alice',
    content,
    createdAt: '2030-01-01T00:00:00.000Z',
    ...extra,
  };
}

/** A store that records each batch and commits when told to. */
class FakeStore implements MessageStore {
  batches: NewMessage[][] = [];
  sinces: string[] = [];
  private nextId = 1;
  private pending: (() => void)[] = [];
  manual = false;
  failNext: Error | null = null;
  shortNext = false;

  async append(batch: readonly NewMessage[], dedupeSince: string): Promise<AppendResult[]> {
    this.batches.push([...batch]);
    this.sinces.push(dedupeSince);
    if (this.manual) await new Promise<void>((resolve) => this.pending.push(resolve));
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = null;
      throw error;
    }
    const results = batch.map((m) => ({
      message: {
        id: this.nextId++,
        room: m.roomId,
        username: m.username,
        content: m.content,
        timestamp: m.createdAt,
      } satisfies Message,
      duplicate: false,
    }));
    if (this.shortNext) {
      this.shortNext = false;
      return results.slice(0, -1);
    }
    return results;
  }

  /** Commits the oldest batch held back. */
  commit(): void {
    this.pending.shift()?.();
  }

  get waiting(): number {
    return this.pending.length;
  }

  async roomHistory(): Promise<Message[]> {
    return [];
  }
  async visibleSince(): Promise<Message[]> {
    return [];
  }
}

/** Lets queued macrotasks (setImmediate) and their promise chains run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

async function until(condition: () => boolean) {
  for (let i = 0; i < 100 && !condition(); i++) await turn();
  expect(condition()).toBe(true);
}

describe('MessageWriter', () => {
  it('stores everything appended in one turn as one batch, in order', async () => {
    const store = new FakeStore();
    const writer = new MessageWriter(store, () => LONG_AGO);
    const results = await Promise.all(['a', 'b', 'c'].map((c) => writer.append(item(c))));
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]?.map((m) => m.content)).toEqual(['a', 'b', 'c']);
    expect(results.map((r) => r.message.content)).toEqual(['a', 'b', 'c']);
    expect(results.map((r) => r.message.id)).toEqual([1, 2, 3]);
  });

  it('hands each committed batch to onCommitted before any of its callers resumes', async () => {
    const store = new FakeStore();
    const events: string[] = [];
    const writer = new MessageWriter(
      store,
      () => LONG_AGO,
      (results) => events.push(`committed ${results.map((r) => r.message.content).join(',')}`),
      { maxBatch: 2 },
    );
    await Promise.all(
      ['a', 'b', 'c'].map((c) => writer.append(item(c)).then(() => events.push(`resumed ${c}`))),
    );
    expect(events).toEqual(['committed a,b', 'resumed a', 'resumed b', 'committed c', 'resumed c']);
  });

  it('resolves each caller only once its batch is committed', async () => {
    const store = new FakeStore();
    store.manual = true;
    const writer = new MessageWriter(store, () => LONG_AGO);
    let done = false;
    const pending = writer.append(item('x')).then((r) => {
      done = true;
      return r;
    });
    await until(() => store.waiting === 1);
    await turn();
    expect(done).toBe(false);
    store.commit();
    expect((await pending).message.content).toBe('x');
    expect(done).toBe(true);
  });

  it('collects what arrives during a commit into the next batch', async () => {
    const store = new FakeStore();
    store.manual = true;
    const writer = new MessageWriter(store, () => LONG_AGO);
    const first = writer.append(item('first'));
    await until(() => store.waiting === 1);
    const later = ['second', 'third'].map((c) => writer.append(item(c)));
    await turn();
    expect(store.batches).toHaveLength(1);
    store.commit();
    await first;
    await until(() => store.waiting === 1);
    store.commit();
    await Promise.all(later);
    expect(store.batches.map((b) => b.map((m) => m.content))).toEqual([
      ['first'],
      ['second', 'third'],
    ]);
  });

  it('splits a large burst into batches of at most maxBatch, keeping the order', async () => {
    const store = new FakeStore();
    const writer = new MessageWriter(store, () => LONG_AGO, undefined, { maxBatch: 4 });
    const contents = Array.from({ length: 10 }, (_, i) => `m${i}`);
    const results = await Promise.all(contents.map((c) => writer.append(item(c))));
    expect(store.batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(results.map((r) => r.message.content)).toEqual(contents);
    expect(results.map((r) => r.message.id)).toEqual(contents.map((_, i) => i + 1));
  });

  it('rejects a failed batch and keeps working for the next one', async () => {
    const store = new FakeStore();
    const writer = new MessageWriter(store, () => LONG_AGO);
    store.failNext = new Error('disk full');
    const failed = ['a', 'b'].map((c) => writer.append(item(c)));
    for (const f of failed) await expect(f).rejects.toThrow('disk full');
    expect((await writer.append(item('c'))).message.content).toBe('c');
  });

  it('rejects callers the store gave no result for', async () => {
    const store = new FakeStore();
    const writer = new MessageWriter(store, () => LONG_AGO);
    store.shortNext = true;
    const [a, b] = [writer.append(item('a')), writer.append(item('b'))];
    expect((await a).message.content).toBe('a');
    await expect(b).rejects.toThrow(/fewer results/);
  });

  it('asks for the dedupe horizon at each commit', async () => {
    const store = new FakeStore();
    let n = 0;
    const writer = new MessageWriter(store, () => `since-${++n}`);
    await writer.append(item('a'));
    await writer.append(item('b'));
    expect(store.sinces).toEqual(['since-1', 'since-2']);
  });

  it('drains: resolves once everything queued so far is committed', async () => {
    const store = new FakeStore();
    store.manual = true;
    const writer = new MessageWriter(store, () => LONG_AGO, undefined, { maxBatch: 2 });
    const all = ['a', 'b', 'c'].map((c) => writer.append(item(c)));
    let drained = false;
    const draining = writer.drain().then(() => {
      drained = true;
    });
    await until(() => store.waiting === 1);
    store.commit();
    await until(() => store.waiting === 1);
    expect(drained).toBe(false);
    store.commit();
    await draining;
    expect(drained).toBe(true);
    await Promise.all(all);
  });
});

describe('MessageWriter on the real store', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('stores a client_id repeated within one batch once, answering the repeat with it', async () => {
    store = await openStore(':memory:');
    const user = await store.accounts.createUser('alice', 'hash', '2030-01-01T00:00:00.000Z');
    const userId = user?.id ?? 0;
    const writer = new MessageWriter(store.messages, () => LONG_AGO);
    const [first, repeat, other, otherRoom] = await Promise.all([
      writer.append(item('hello', { userId, clientId: 'c1' })),
      writer.append(item('hello again', { userId, clientId: 'c1' })),
      writer.append(item('different', { userId, clientId: 'c2' })),
      writer.append(item('elsewhere', { userId, clientId: 'c1', roomId: 'other' })),
    ]);
    expect(first?.duplicate).toBe(false);
    expect(repeat).toEqual({ message: first?.message, duplicate: true });
    expect(other?.duplicate).toBe(false);
    expect(otherRoom?.duplicate).toBe(false);
    const ids = [first, other, otherRoom].map((r) => r?.message.id ?? 0);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const stored = await store.messages.roomHistory('general', undefined, 10);
    expect(stored.map((m) => m.content)).toEqual(['hello', 'different']);
  });

  it('stores a client_id again once the earlier one is older than the dedupe horizon', async () => {
    store = await openStore(':memory:');
    const user = await store.accounts.createUser('bob', 'hash', '2030-01-01T00:00:00.000Z');
    const userId = user?.id ?? 0;
    let since = LONG_AGO;
    const writer = new MessageWriter(store.messages, () => since);
    const old = await writer.append(
      item('old', { userId, clientId: 'c', createdAt: '2030-01-01T00:00:00.000Z' }),
    );
    since = '2030-01-02T00:00:00.000Z';
    const fresh = await writer.append(
      item('new', { userId, clientId: 'c', createdAt: '2030-01-03T00:00:00.000Z' }),
    );
    expect(fresh.duplicate).toBe(false);
    expect(fresh.message.id).not.toBe(old.message.id);
  });
});
