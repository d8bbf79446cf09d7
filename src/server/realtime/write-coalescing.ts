import { Socket as NetSocket } from 'node:net';
import { type EngineTransport, tcpSocketOf } from './engine-internals.js';

/**
 * Per-turn write coalescing underneath Socket.IO's websocket transport.
 *
 * A room broadcast writes one WebSocket frame to every recipient's TCP socket, and each write
 * is its own syscall: with a busy room that is (messages × recipients) syscalls, and on
 * loopback or a LAN each costs more than all the JavaScript around it. Here the first write
 * to a socket in a turn corks it, and at the end of the turn (once the current callback, its
 * microtasks and ticks are done) the flush starts uncorking the corked sockets in order: all
 * the frames a recipient got until its turn leave in a single writev. MessageWriter commits a
 * batch and broadcasts it in one turn, so a batch of k messages costs one syscall per
 * recipient, not k.
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
 * writevs. And the flush runs in slices (see FLUSH_SLICE_MS): between two, the event loop
 * reads what arrived, commits it and acks it, so an ack waits for a slice, not for a whole
 * rotation over every corked socket. A socket stays corked until its turn in the rotation;
 * what is written to it meanwhile joins the same writev.
 *
 * Room broadcasts take a shorter way in (`queueFrame`, used by the broadcast fast path): the
 * pre-encoded frame's buffers are pushed onto the socket's own list, which the flush hands to
 * the stream as one buffer (shared by every socket with the same frames), instead of one
 * stream write, and its request object, per recipient per message. Any other write to the
 * socket first moves the list into the stream, so the order of bytes is kept. A room's batches
 * take a shorter way still (`attachFrames`, used by room-feed.ts): a socket waiting for its
 * turn is attached to a list of frames shared by the room's waiting members, and each batch is
 * pushed onto that list once; the socket's part of the list leaves with its flush, or moves to
 * its own queue as soon as anything else is written or queued to it.
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
const kFrames = Symbol('chatroom.coalescing.frames');
const kList = Symbol('chatroom.coalescing.list');
const kFrom = Symbol('chatroom.coalescing.from');
const kOwner = Symbol('chatroom.coalescing.owner');
type Coalesced = NetSocket & {
  [kCorked]?: boolean;
  [kUrgent]?: boolean;
  /** Pre-encoded frames queued by `queueFrame`, not yet handed to the stream. */
  [kFrames]?: Buffer[] | undefined;
  /** A list shared with other sockets (`attachFrames`): its frames from `kFrom` on are this socket's. */
  [kList]?: FrameList | undefined;
  [kFrom]?: number;
  /** Whoever attached the socket, handed back to the list when the socket leaves it. */
  [kOwner]?: unknown;
};

/**
 * Frames shared by the sockets attached to it (`attachFrames`): each frame pushed onto the list
 * reaches every socket attached to it, for the cost of one push, not one per socket. A socket
 * leaves the list when it is flushed, and when anything else is written or queued to it (its
 * frames from the list are then queued on the socket first, so the order of bytes is kept).
 */
export interface FrameList {
  readonly frames: Buffer[];
  /** Sockets attached and not yet flushed. */
  attached: number;
  /** A socket left the list: `owner` is what `attachFrames` was given for it. */
  released(owner: unknown): void;
}
type Callback = (error?: Error | null) => void;
type PlainWrite = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;

const plainWrite = NetSocket.prototype.write as PlainWrite;

/**
 * A flush runs in slices: after each, the event loop reads, commits and replies, and the
 * sockets the slice did not reach go first in the next one. A rotation's first slice runs for
 * FLUSH_SLICE_MS; each next one for as long as the event loop spends on everything else
 * between slices, on average, within FLUSH_SLICE_MS and SHORT_FLUSH_SLICE_MS while the fanout
 * keeps up, and within MAX_FLUSH_SLICE_MS once the frames waiting longest have waited over
 * CATCH_UP_MS: under load flushing keeps about half of the thread (with fixed 1 ms slices the
 * work between slices took most of it and deliveries waited: p99 243 ms instead of 63 at 80%
 * of saturation), an incoming message waits for a short slice at most while nothing is behind
 * (at a fixed 3,400 msg/s, R=1,000: ack p99 20 ms, against 48–84 ms with slices of up to 6 ms),
 * and a fanout that fell behind catches up in longer slices.
 */
export const FLUSH_SLICE_MS = 1;
export const SHORT_FLUSH_SLICE_MS = 3;
export const MAX_FLUSH_SLICE_MS = 6;
/** A backlog (`flushBacklogMs`) past this lets slices grow to MAX_FLUSH_SLICE_MS. */
export const CATCH_UP_MS = 50;
let sliceMs = FLUSH_SLICE_MS;
/** When the previous slice ended (performance.now()). */
let lastSliceEnd = 0;
/**
 * The event loop's other work between two slices, smoothed (exponential average): one long
 * gap (a GC pause, a large commit) does not buy the next slice as long a share.
 */
let otherWorkMs = 0;
/** How many sockets a slice flushes between two looks at the clock. */
const CLOCK_EVERY = 8;

/** Sets the slice length (tests); returns the previous one. */
export function setFlushSliceMs(ms: number): number {
  const previous = sliceMs;
  sliceMs = ms;
  return previous;
}

/** Sockets corked and not yet flushed, in the order of their first write: flushed in slices. */
let rotation: Coalesced[] = [];
/** Where the current slice resumes in `rotation`. */
let cursor = 0;
/** Sockets corked again (or for the first time) while `rotation` is being flushed. */
let next: Coalesced[] = [];
/** When the first socket of `rotation`, and of `next`, started waiting (performance.now()). */
let rotationSince = 0;
let nextSince = 0;
/** Sockets that hold a reply (an ack): flushed first, whatever the rotation. */
const urgent: Coalesced[] = [];
let callbacks: Callback[] = [];
let spareCallbacks: Callback[] = [];
let tickScheduled = false;
let sliceScheduled = false;
/** Work to run ahead of the next slice (`runAheadOfFlush`). */
let ahead: Array<() => void> = [];
let spareAhead: Array<() => void> = [];
const stats = { turns: 0, sockets: 0, flushMs: 0 };

/** Flushes, sockets flushed and time spent flushing, since start (benchmarks). */
export function coalescingStats(): { turns: number; sockets: number; flushMs: number } {
  return { ...stats };
}

/** Calls each function of `list`, then empties it; returns the first failure, if any. */
function runAll(list: Array<() => void>): unknown {
  let failure: unknown;
  for (let i = 0; i < list.length; i++) {
    try {
      (list[i] as () => void)();
    } catch (error) {
      failure ??= error;
    }
  }
  list.length = 0;
  return failure;
}

/** Runs the write callbacks of the turn; they may write (and queue callbacks) again. */
function runCallbacks(): unknown {
  let failure: unknown;
  while (callbacks.length > 0) {
    const list = callbacks;
    callbacks = spareCallbacks;
    spareCallbacks = list;
    const first = runAll(list);
    failure ??= first;
  }
  return failure;
}

/**
 * The frames of one flush, joined. All the members of a room get the same frames in a turn,
 * so the previous socket's join is reused when its list holds the same buffers.
 */
let lastFrames: Buffer[] | undefined;
let lastJoined: Buffer | undefined;

function joined(frames: Buffer[]): Buffer {
  if (frames.length === 1) return frames[0] as Buffer;
  const last = lastFrames;
  if (last !== undefined && last.length === frames.length) {
    let same = true;
    for (let i = 0; i < frames.length && same; i++) same = frames[i] === last[i];
    if (same) return lastJoined as Buffer;
  }
  const buffer = Buffer.concat(frames);
  lastFrames = frames;
  lastJoined = buffer;
  return buffer;
}

/** The frames of a list from `from` on, joined; shared by the sockets with the same ones. */
let lastList: FrameList | undefined;
let lastFrom = 0;
let lastEnd = 0;
let lastListJoined: Buffer | undefined;

function joinedFrom(list: FrameList, from: number): Buffer | undefined {
  const end = list.frames.length;
  if (end <= from) return undefined;
  if (end === from + 1) return list.frames[from] as Buffer;
  if (list !== lastList || from !== lastFrom || end !== lastEnd) {
    lastList = list;
    lastFrom = from;
    lastEnd = end;
    lastListJoined = Buffer.concat(list.frames.slice(from, end));
  }
  return lastListJoined;
}

/**
 * Takes the socket off its list (the list learns it, and will not see it again); returns where
 * the socket's frames on the list start.
 */
function leaveList(socket: Coalesced, list: FrameList): number {
  const owner = socket[kOwner];
  socket[kList] = undefined;
  socket[kOwner] = undefined;
  list.attached--;
  list.released(owner);
  return socket[kFrom] ?? 0;
}

/** A socket's frames from its list become its own queued frames (before anything else queued). */
function ownFrames(socket: Coalesced): void {
  const list = socket[kList];
  if (list === undefined) return;
  const from = leaveList(socket, list);
  if (from < list.frames.length) socket[kFrames] = list.frames.slice(from);
}

/** Hands queued frames to the stream, behind what it already holds. */
function moveFrames(socket: Coalesced): void {
  const list = socket[kList];
  if (list !== undefined) {
    const buffer = joinedFrom(list, leaveList(socket, list));
    if (buffer !== undefined && !socket.destroyed) plainWrite.call(socket, buffer);
    return;
  }
  const frames = socket[kFrames];
  if (frames === undefined) return;
  socket[kFrames] = undefined;
  if (!socket.destroyed) plainWrite.call(socket, joined(frames));
}

function flushOne(socket: Coalesced): void {
  socket[kUrgent] = false;
  if (socket[kCorked] !== true) return;
  socket[kCorked] = false;
  moveFrames(socket);
  if (!socket.destroyed) socket.uncork();
}

/** Flushes the sockets holding a reply (acks): first, whatever the rotation. */
function flushUrgent(): void {
  for (let i = 0; i < urgent.length; i++) flushOne(urgent[i] as Coalesced);
  urgent.length = 0;
}

/** Flushes the rotation for one slice. Returns whether sockets are left for the next one. */
function flushSlice(started: number, budget: number): boolean {
  for (;;) {
    if (cursor >= rotation.length) {
      rotation.length = 0;
      cursor = 0;
      if (next.length === 0) break;
      const list = rotation;
      rotation = next;
      next = list;
      rotationSince = nextSince;
    }
    flushOne(rotation[cursor++] as Coalesced);
    stats.sockets++;
    if (cursor % CLOCK_EVERY === 0 && performance.now() - started >= budget) break;
  }
  lastFrames = undefined;
  lastJoined = undefined;
  lastList = undefined;
  lastListJoined = undefined;
  return cursor < rotation.length || next.length > 0;
}

/**
 * At the end of a turn, and for each slice: the write callbacks, the replies, then (unless a
 * slice is already scheduled, so that one event-loop iteration flushes one slice at most)
 * the rotation for one slice; what is left waits for the next iteration, after its I/O.
 */
function flush(slice: boolean): void {
  const started = performance.now();
  const failure = runCallbacks();
  stats.turns++;
  flushUrgent();
  if (slice || !sliceScheduled) {
    sliceScheduled = false;
    let budget = sliceMs;
    if (slice) {
      otherWorkMs = 0.75 * otherWorkMs + 0.25 * (started - lastSliceEnd);
      const cap = flushBacklogMs() > CATCH_UP_MS ? MAX_FLUSH_SLICE_MS : SHORT_FLUSH_SLICE_MS;
      budget = Math.min(cap, Math.max(sliceMs, otherWorkMs));
    }
    const more = flushSlice(started, budget);
    lastSliceEnd = performance.now();
    if (more) {
      sliceScheduled = true;
      // After the event loop's I/O: incoming messages are read, committed and acked between
      // slices.
      setImmediate(nextSlice);
    }
  }
  stats.flushMs += performance.now() - started;
  // A throwing write callback fails the way it would have on its own tick, after the flush.
  if (failure !== undefined) {
    throw failure;
  }
}

function endOfTurn(): void {
  tickScheduled = false;
  flush(false);
}

function nextSlice(): void {
  if (ahead.length === 0) {
    flush(true);
    return;
  }
  const list = ahead;
  ahead = spareAhead;
  spareAhead = list;
  const failure = runAll(list);
  // The slice follows what those tasks set off within this turn (a SQLite commit, its
  // broadcast, the handlers' acks): a tick queued from a microtask runs once the microtask
  // queue is empty. A commit still waiting on I/O (PostgreSQL) does not hold the slice back.
  queueMicrotask(sliceAfterMicrotasks);
  if (failure !== undefined) throw failure;
}

function sliceAfterMicrotasks(): void {
  process.nextTick(flush, true);
}

/**
 * How long the frames waiting longest for their flush have waited, in ms (0 when none wait):
 * the fanout's backlog. Below what the thread can write it stays at a slice or two; past it,
 * it only grows (MessageService then refuses new messages: `OVERLOAD_SHED_MS`).
 */
export function flushBacklogMs(): number {
  if (cursor < rotation.length) return performance.now() - rotationSince;
  if (next.length > 0) return performance.now() - nextSince;
  return 0;
}

/**
 * Runs `task` in the next turn after I/O, as `setImmediate` does, but ahead of the flush slice
 * due then, if one is: for commits whose acks are waiting, so that a message read between two
 * slices is committed and acknowledged before the next slice, not after it.
 */
export function runAheadOfFlush(task: () => void): void {
  if (sliceScheduled) ahead.push(task);
  else setImmediate(task);
}

function scheduleEndOfTurn(): void {
  if (tickScheduled) return;
  tickScheduled = true;
  // Ticks queued from a callback's microtasks run once those microtasks are done.
  process.nextTick(endOfTurn);
}

/** Corks the socket until its turn in the rotation. */
function enter(socket: Coalesced): void {
  socket[kCorked] = true;
  socket.cork();
  // Once a rotation is under way, sockets it already flushed wait for the next one.
  if (cursor > 0) {
    if (next.length === 0) nextSince = performance.now();
    next.push(socket);
  } else {
    if (rotation.length === 0) rotationSince = performance.now();
    rotation.push(socket);
  }
  scheduleEndOfTurn();
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

/** Whether `socket` has write coalescing (so `queueFrame` may be used). */
export function isCoalesced(socket: NetSocket): boolean {
  return socket.write === coalescingWrite;
}

/**
 * Queues a pre-encoded frame (its buffers, not copied) for a coalesced socket: it leaves with
 * the socket's next flush, after everything written to the socket before it and before
 * everything written after it. Costs an array push per recipient, where a stream write costs
 * a request object and its bookkeeping.
 */
export function queueFrame(socket: NetSocket, frame: readonly Buffer[]): void {
  const raw = socket as Coalesced;
  if (raw[kCorked] !== true) enter(raw);
  else if (raw[kList] !== undefined) ownFrames(raw);
  const frames = raw[kFrames];
  if (frames === undefined) raw[kFrames] = [...frame];
  else for (let i = 0; i < frame.length; i++) frames.push(frame[i] as Buffer);
}

/**
 * Attaches a coalesced socket to `list`: the frames pushed onto the list from now on are this
 * socket's, and leave with its next flush. Refused (false) while the socket has frames of its
 * own queued or is on another list: queue the frame with `queueFrame` then.
 */
export function attachFrames(socket: NetSocket, list: FrameList, owner: unknown): boolean {
  const raw = socket as Coalesced;
  if (raw[kList] === list) return true;
  if (raw[kList] !== undefined || raw[kFrames] !== undefined || raw.destroyed) return false;
  if (raw[kCorked] !== true) enter(raw);
  raw[kList] = list;
  raw[kFrom] = list.frames.length;
  raw[kOwner] = owner;
  list.attached++;
  return true;
}

/** The list the socket is attached to, if any. */
export function attachedList(socket: NetSocket): FrameList | undefined {
  return (socket as Coalesced)[kList];
}

/**
 * Takes the socket off its list, keeping what the list holds for it as its own queued frames
 * (for a socket leaving the room: what was sent before still reaches it, nothing after).
 */
export function detachFrames(socket: NetSocket): void {
  ownFrames(socket as Coalesced);
}

/** The `write` installed on each websocket's TCP socket (called with `this` = the socket). */
function coalescingWrite(
  this: Coalesced,
  chunk: unknown,
  encoding?: unknown,
  callback?: unknown,
): boolean {
  if (this[kCorked] !== true) {
    if (!this.destroyed) enter(this);
  } else if (this[kFrames] !== undefined || this[kList] !== undefined) {
    // Frames queued before this write go before it.
    moveFrames(this);
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
