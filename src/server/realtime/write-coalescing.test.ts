import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, Socket } from 'node:net';
import { Server as SocketIoServer } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  coalesceWrites,
  FLUSH_SLICE_MS,
  flushBacklogMs,
  installWriteCoalescing,
  queueFrame,
  runAheadOfFlush,
  setFlushSliceMs,
} from './write-coalescing.js';

/** A connected TCP pair on 127.0.0.1: `server` is the accepted side. */
async function tcpPair(): Promise<{ server: Socket; client: Socket; listener: Server }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const address = listener.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const client = new Socket();
  client.connect(address.port, '127.0.0.1');
  await once(client, 'connect');
  const [server] = await accepted;
  return { server, client, listener };
}

/** Everything the client receives until `bytes` have arrived. */
function receive(client: Socket, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => {
      text += chunk;
      if (text.length >= bytes) resolve(text);
    });
    client.on('error', reject);
  });
}

const frame = (i: number) => `<${String(i).padStart(4, '0')}>`;

describe('write coalescing', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  /** A coalesced TCP pair, closed after the test; `batches` gets each writev's chunk count. */
  async function coalescedPair() {
    const { server, client, listener } = await tcpPair();
    cleanup.push(() => {
      client.destroy();
      server.destroy();
      listener.close();
    });
    coalesceWrites(server);
    const batches: number[] = [];
    const writev = server._writev?.bind(server);
    server._writev = (chunks, callback) => {
      batches.push(chunks.length);
      writev?.(chunks, callback);
    };
    return { server, client, batches };
  }

  it('delivers every write of a turn, in order, in one writev', async () => {
    const { server, client, batches } = await coalescedPair();
    const writeOne = server._write.bind(server);
    server._write = (chunk, encoding, callback) => {
      batches.push(1);
      writeOne(chunk, encoding, callback);
    };

    const count = 500;
    const expected = Array.from({ length: count }, (_, i) => frame(i)).join('');
    const arrived = receive(client, expected.length);
    let callbacks = 0;
    for (let i = 0; i < count; i++) {
      // ws writes some frames as two chunks inside its own cork/uncork: nesting must hold.
      if (i % 3 === 0) {
        server.cork();
        server.write(frame(i).slice(0, 3));
        server.write(frame(i).slice(3), () => callbacks++);
        server.uncork();
      } else {
        server.write(frame(i), () => callbacks++);
      }
    }
    expect(batches).toEqual([]); // nothing written during the turn
    expect(await arrived).toBe(expected);
    expect(batches).toEqual([count + Math.ceil(count / 3)]);
    expect(callbacks).toBe(count);
  });

  it('calls write callbacks at the end of the turn, and writes what they write in the same writev', async () => {
    const { server, client, batches } = await coalescedPair();
    const arrived = receive(client, 9);
    const order: string[] = [];
    // Like engine.io: the next packet is only written from the previous write's callback.
    server.write('one', () => {
      order.push(`callback one after ${batches.length} writes`);
      server.write('two', () => {
        order.push(`callback two after ${batches.length} writes`);
        server.write('six');
      });
    });
    expect(await arrived).toBe('onetwosix');
    expect(order).toEqual(['callback one after 0 writes', 'callback two after 0 writes']);
    expect(batches).toEqual([3]);
  });

  it('gives a socket over its high-water mark the real callbacks (flow control)', async () => {
    const { server, client, batches } = await coalescedPair();
    const big = 'x'.repeat(server.writableHighWaterMark + 1);
    const arrived = receive(client, big.length + 4);
    const seen = await new Promise<number>((resolve) => {
      server.write(big);
      server.write('tail', () => resolve(batches.length));
    });
    expect(seen).toBe(1); // called once the data was handed to the kernel, not before
    expect((await arrived).endsWith('tail')).toBe(true);
  });

  it('keeps order across turns and after the socket is corked by its owner', async () => {
    const { server, client, listener } = await tcpPair();
    cleanup.push(() => {
      client.destroy();
      server.destroy();
      listener.close();
    });
    coalesceWrites(server);
    coalesceWrites(server); // idempotent
    const turns = 20;
    const perTurn = 30;
    const expected = Array.from({ length: turns * perTurn }, (_, i) => frame(i)).join('');
    const arrived = receive(client, expected.length);
    let i = 0;
    for (let turn = 0; turn < turns; turn++) {
      for (let k = 0; k < perTurn; k++) server.write(frame(i++));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await arrived).toBe(expected);
  });

  it('flushes a socket ended inside the turn, and ignores one destroyed inside it', async () => {
    const { server, client, listener } = await tcpPair();
    const other = await tcpPair();
    cleanup.push(() => {
      client.destroy();
      listener.close();
      other.client.destroy();
      other.listener.close();
    });
    coalesceWrites(server);
    coalesceWrites(other.server);
    const arrived = receive(client, 10);
    server.write('hello');
    server.end('world');
    other.server.write('lost');
    other.server.destroy();
    expect(await arrived).toBe('helloworld');
    await new Promise((resolve) => setImmediate(resolve));
    expect(other.server.destroyed).toBe(true);
  });

  it('sends queued frames in order with the socket’s other writes, in one writev', async () => {
    const { server, client, batches } = await coalescedPair();
    const arrived = receive(client, 7);
    server.write('a');
    queueFrame(server, [Buffer.from('b'), Buffer.from('c')]);
    queueFrame(server, [Buffer.from('d')]);
    server.write('e');
    queueFrame(server, [Buffer.from('f'), Buffer.from('g')]);
    expect(await arrived).toBe('abcdefg');
    // 'a', then b+c+d joined when 'e' came, 'e', then f+g joined at the flush.
    expect(batches).toEqual([4]);
  });

  /** `count` coalesced pairs with zero-length slices (8 sockets each); `log` gets each write(v). */
  async function slicedPairs(count: number) {
    const pairs = await Promise.all(Array.from({ length: count }, () => tcpPair()));
    cleanup.push(() => {
      for (const { server, client, listener } of pairs) {
        client.destroy();
        server.destroy();
        listener.close();
      }
    });
    const previous = setFlushSliceMs(0);
    cleanup.push(() => setFlushSliceMs(previous));
    const log: Array<number | string> = [];
    pairs.forEach(({ server }, i) => {
      coalesceWrites(server);
      const writeOne = server._write.bind(server);
      server._write = (chunk, encoding, callback) => {
        log.push(i);
        writeOne(chunk, encoding, callback);
      };
      const writev = server._writev?.bind(server);
      server._writev = (chunks, callback) => {
        log.push(i);
        writev?.(chunks, callback);
      };
    });
    return { pairs, log, previous };
  }

  it('runs work queued between two slices ahead of the next one, with what its microtasks wrote', async () => {
    const { pairs, log } = await slicedPairs(20);
    const first = pairs[0]?.server;
    if (!first) throw new Error('no pairs');
    const arrived = pairs.map(({ client }, i) => receive(client, i === 0 ? 12 : 6));
    // Read between the first two slices (as an incoming message is): the commit it schedules
    // and the reply it writes a few promise hops later leave before the second slice.
    setImmediate(() => {
      log.push('io');
      runAheadOfFlush(async () => {
        await Promise.resolve();
        await Promise.resolve();
        log.push('commit');
        first.write(frame(100));
      });
    });
    pairs.forEach(({ server }, i) => {
      server.write(frame(i));
    });
    const texts = await Promise.all(arrived);
    expect(texts[0]).toBe(frame(0) + frame(100));
    const order = Array.from({ length: 20 }, (_, i) => i);
    // Socket 0 was flushed in the first slice: its reply goes in the next rotation's turn.
    expect(log).toEqual([...order.slice(0, 8), 'io', 'commit', ...order.slice(8), 0]);
  });

  it('does not hold a slice back for queued work still waiting on I/O', async () => {
    const { pairs, log } = await slicedPairs(20);
    const arrived = pairs.map(({ client }) => receive(client, 6));
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    setImmediate(() =>
      runAheadOfFlush(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        log.push('late');
        done();
      }),
    );
    pairs.forEach(({ server }, i) => {
      server.write(frame(i));
    });
    await Promise.all(arrived);
    await finished;
    expect(log).toEqual([...Array.from({ length: 20 }, (_, i) => i), 'late']);
  });

  it('runs work after I/O as setImmediate does when no slice is due', async () => {
    const order: string[] = [];
    runAheadOfFlush(() => order.push('ahead'));
    order.push('now');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['now', 'ahead']);
  });

  it('measures the backlog: how long the frames still waiting for their slice have waited', async () => {
    const { pairs } = await slicedPairs(20);
    const arrived = pairs.map(({ client }, i) => receive(client, i === 0 ? 12 : 6));
    expect(flushBacklogMs()).toBe(0);
    pairs.forEach(({ server }, i) => {
      server.write(frame(i));
    });
    const busyUntil = performance.now() + 30;
    while (performance.now() < busyUntil) {
      // A long turn: nothing is flushed before it ends.
    }
    expect(flushBacklogMs()).toBeGreaterThanOrEqual(30);
    const between = new Promise<number>((resolve) =>
      setImmediate(() => {
        // After the first slice: 12 sockets still wait, since the first write.
        const backlog = flushBacklogMs();
        // A socket the rotation already flushed waits in the next one, from now.
        pairs[0]?.server.write(frame(100));
        resolve(backlog);
      }),
    );
    expect(await between).toBeGreaterThanOrEqual(30);
    const texts = await Promise.all(arrived);
    expect(texts[0]).toBe(frame(0) + frame(100));
    expect(flushBacklogMs()).toBe(0);
  });

  it('flushes in slices: sockets past the slice wait for the event loop’s I/O, in order', async () => {
    const { pairs, log, previous } = await slicedPairs(70);
    expect(previous).toBe(FLUSH_SLICE_MS);
    // Queued before the flush's own continuation: runs between the first and second slice.
    setImmediate(() => log.push('io'));
    const arrived = pairs.map(({ client }) => receive(client, 12));
    pairs.forEach(({ server }, i) => {
      server.write(frame(i));
      queueFrame(server, [Buffer.from(frame(i + 1))]);
    });
    const texts = await Promise.all(arrived);
    expect(texts).toEqual(pairs.map((_, i) => frame(i) + frame(i + 1)));
    // A slice checks the clock every 8 sockets; with no time to spare it stops there.
    const order = Array.from({ length: 70 }, (_, i) => i);
    expect(log).toEqual([...order.slice(0, 8), 'io', ...order.slice(8)]);
  });

  for (const transports of [['websocket'], ['polling', 'websocket']]) {
    it(`delivers Socket.IO broadcasts and acks in order (${transports.join(' → ')})`, async () => {
      const http = createHttpServer();
      const io = new SocketIoServer(http, { serveClient: false });
      installWriteCoalescing(io.engine);
      http.listen(0, '127.0.0.1');
      await once(http, 'listening');
      const address = http.address();
      if (typeof address !== 'object' || address === null) throw new Error('no address');
      const hooked: boolean[] = [];
      io.on('connection', (socket) => {
        socket.join('room');
        socket.on('burst', (count: number, ack: (n: number) => void) => {
          for (const peer of io.sockets.sockets.values()) {
            const transport = peer.conn.transport as unknown as { socket?: { _socket?: Socket } };
            hooked.push(transport.socket?._socket?.write !== Socket.prototype.write);
          }
          // One turn: every frame to every recipient is written in it.
          for (let i = 0; i < count; i++) io.to('room').emit('seq', i);
          ack(count);
        });
      });
      const clients = [0, 1, 2].map(() =>
        connectClient(`http://127.0.0.1:${address.port}`, {
          transports,
          upgrade: true,
          reconnection: false,
          forceNew: true,
        }),
      );
      cleanup.push(() => {
        for (const client of clients) client.close();
        io.close();
      });
      const upgraded = clients.map(
        (client) =>
          new Promise<void>((resolve) => {
            const check = () =>
              client.io.engine.transport.name === 'websocket' ? resolve() : undefined;
            client.on('connect', () => {
              check();
              client.io.engine.on('upgrade', check);
            });
          }),
      );
      await Promise.all(upgraded);
      const count = 300;
      const received = clients.map((client) => {
        const seen: number[] = [];
        client.on('seq', (i: number) => seen.push(i));
        return seen;
      });
      const sender = clients[0] as (typeof clients)[number];
      const acked = await sender.timeout(5000).emitWithAck('burst', count);
      expect(acked).toBe(count);
      const deadline = Date.now() + 5000;
      while (received.some((seen) => seen.length < count) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const ordered = Array.from({ length: count }, (_, i) => i);
      for (const seen of received) expect(seen).toEqual(ordered);
      expect(hooked).toEqual([true, true, true]);
    });
  }
});
