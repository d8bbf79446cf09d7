import { Socket as NetSocket } from 'node:net';
import { type EngineTransport, tcpSocketOf } from './engine-internals.js';

/**
 * Per-turn write coalescing underneath Socket.IO's websocket transport.
 *
 * A room broadcast writes one WebSocket frame to every recipient's TCP socket, and each write
 * is its own syscall: with a busy room that is (messages × recipients) syscalls, and on
 * loopback or a LAN each costs more than all the JavaScript around it. Here the first write
 * to a socket in a turn corks it, and at the end of the turn (once the current callback, its
 * microtasks and ticks are done) every socket corked in the turn is uncorked: all the frames
 * a recipient got in the turn leave in a single writev. MessageWriter commits a batch and
 * broadcasts it in one turn, so a batch of k messages costs one syscall per recipient, not k.
 *
 * engine.io sends one packet per socket and holds the next ones back until the write
 * callback of the previous one; those callbacks would only fire after the uncork, splitting
 * each turn in two writes. So while a socket is corked here (and its buffer is below the
 * high-water mark) its write callbacks are called at the end of the turn, just before the
 * uncork: engine.io hands over what it held back, and it joins the same writev. A socket
 * over its high-water mark (a slow reader) gets the real callbacks: engine.io's flow control
 * then holds its packets back as before.
 *
 * Replies go first: `expediteWrites` (called once an event's ack is written) puts that
 * connection at the head of the flush, so an ack does not wait behind a fanout's thousand
 * writevs. Splitting the flush itself into time slices, to commit and ack between slices, was
 * measured and dropped: the sockets flushed late piled up data and p99 grew tenfold.
 *
 * What reaches each socket is unchanged: the same bytes, in the same order. Only websocket
 * transports are affected (HTTP long-polling is not touched). The hook is one shared
 * function set as the socket's `write`: no closure per connection.
 */

interface EngineSocket {
  transport: EngineTransport;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): unknown;
}

export interface EngineLike {
  on(event: 'connection', listener: (socket: EngineSocket) => void): unknown;
}

const kCorked = Symbol('chatroom.coalescing.corked');
const kUrgent = Symbol('chatroom.coalescing.urgent');
type Coalesced = NetSocket & { [kCorked]?: boolean; [kUrgent]?: boolean };
type Callback = (error?: Error | null) => void;
type PlainWrite = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;

const plainWrite = NetSocket.prototype.write as PlainWrite;

/** Sockets corked in this turn, in the order of their first write. */
let corked: Coalesced[] = [];
let spareSockets: Coalesced[] = [];
/** Sockets that hold a reply (an ack): flushed first at the end of the turn. */
const urgent: Coalesced[] = [];
let callbacks: Callback[] = [];
let spareCallbacks: Callback[] = [];
let scheduled = false;
const stats = { turns: 0, sockets: 0, flushMs: 0 };

/** Turns that flushed, sockets flushed and time spent flushing, since start (benchmarks). */
export function coalescingStats(): { turns: number; sockets: number; flushMs: number } {
  return { ...stats };
}

/** Runs the write callbacks of the turn; they may write (and queue callbacks) again. */
function runCallbacks(): unknown {
  let failure: unknown;
  while (callbacks.length > 0) {
    const list = callbacks;
    callbacks = spareCallbacks;
    spareCallbacks = list;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as Callback)();
      } catch (error) {
        failure ??= error;
      }
    }
    list.length = 0;
  }
  return failure;
}

function flushOne(socket: Coalesced): void {
  socket[kUrgent] = false;
  if (socket[kCorked] !== true) return;
  socket[kCorked] = false;
  if (!socket.destroyed) socket.uncork();
}

/** Flushes every socket corked in the turn, those holding a reply first. */
function uncorkAll(): void {
  for (let i = 0; i < urgent.length; i++) flushOne(urgent[i] as Coalesced);
  urgent.length = 0;
  const list = corked;
  corked = spareSockets;
  spareSockets = list;
  for (let i = 0; i < list.length; i++) flushOne(list[i] as Coalesced);
  list.length = 0;
}

function endOfTurn(): void {
  scheduled = false;
  const started = performance.now();
  const failure = runCallbacks();
  stats.turns++;
  stats.sockets += corked.length;
  uncorkAll();
  stats.flushMs += performance.now() - started;
  // A throwing write callback fails the way it would have on its own tick, after the flush.
  if (failure !== undefined) {
    throw failure;
  }
}

function scheduleEndOfTurn(): void {
  if (scheduled) return;
  scheduled = true;
  // Ticks queued from a callback's microtasks run once those microtasks are done.
  process.nextTick(endOfTurn);
}

/**
 * Flushes this connection first at the end of the turn, before the sockets a fanout corked:
 * for replies (acks) the client waits on. A no-op for a connection that is not corked.
 */
export function expediteWrites(connection: { transport?: EngineTransport } | undefined): void {
  const raw = tcpSocketOf(connection?.transport) as Coalesced | undefined;
  if (raw?.[kCorked] !== true || raw[kUrgent] === true) return;
  raw[kUrgent] = true;
  urgent.push(raw);
  scheduleEndOfTurn();
}

/** The `write` installed on each websocket's TCP socket (called with `this` = the socket). */
function coalescingWrite(
  this: Coalesced,
  chunk: unknown,
  encoding?: unknown,
  callback?: unknown,
): boolean {
  if (this[kCorked] !== true && !this.destroyed) {
    this[kCorked] = true;
    this.cork();
    corked.push(this);
    scheduleEndOfTurn();
  }
  if (typeof encoding === 'function') {
    callback = encoding;
    encoding = undefined;
  }
  if (typeof callback === 'function' && this[kCorked] === true && !this.writableNeedDrain) {
    const belowHighWaterMark = plainWrite.call(this, chunk, encoding);
    callbacks.push(callback as Callback);
    return belowHighWaterMark;
  }
  return plainWrite.call(this, chunk, encoding, callback);
}

/**
 * Installs coalescing on one TCP socket. Idempotent; a socket whose `write` someone else
 * replaced is left alone.
 */
export function coalesceWrites(socket: NetSocket): void {
  if (socket.write !== plainWrite) return;
  socket.write = coalescingWrite as NetSocket['write'];
}

function onTransport(transport: EngineTransport): void {
  const raw = tcpSocketOf(transport);
  if (raw && typeof raw.cork === 'function') coalesceWrites(raw);
}

function onUpgrade(transport: EngineTransport): void {
  onTransport(transport);
}

function onConnection(socket: EngineSocket): void {
  onTransport(socket.transport);
  // A polling client that upgrades gets its websocket later.
  socket.on('upgrade', onUpgrade);
}

/** Coalesces the writes of every websocket connection of this engine.io server. */
export function installWriteCoalescing(engine: EngineLike): void {
  engine.on('connection', onConnection);
}
