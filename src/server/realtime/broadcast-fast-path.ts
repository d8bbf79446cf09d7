import type { Socket as NetSocket } from 'node:net';
import { type EngineTransport, tcpSocketOf } from './engine-internals.js';
import { RoomFeed } from './room-feed.js';
import { concatUnpooled } from './unpooled-concat.js';
import {
  attachedList,
  attachFrames,
  detachFrames,
  isCoalesced,
  queueFrame,
} from './write-coalescing.js';

/**
 * A room broadcast's frame, written straight to each recipient's TCP socket.
 *
 * Socket.IO encodes a broadcast once, WebSocket frame included (`wsPreEncodedFrame`), and then,
 * for every recipient, goes through engine.io: a packet object, its write buffer, three event
 * emits, the transport's `send`, ws's `sendFrame`, and a write callback that makes the
 * transport writable again. With a thousand recipients that per-recipient JavaScript costs
 * more than the message itself. When nothing can be out of order, this writes the pre-built
 * frame to the recipient's TCP socket directly (with write coalescing, queued as buffers to
 * leave with the socket's next flush: an array push per recipient), which is exactly what ws
 * would have written:
 *
 * - the connection is open, on the websocket transport, without per-message deflate;
 * - engine.io holds nothing back for it (its write buffer is empty): what engine.io sent before
 *   is in the TCP socket's stream already, and what it sends later follows the frame.
 *
 * A socket over its high-water mark (a slow reader, or any reader after a large flush) stays on
 * this path: the frame waits in the stream behind what is there, as it would have on engine.io's
 * path, where it would also wait (in engine.io's write buffer) and cost a packet, its write and
 * its callback per recipient per message. Sending such sockets that way, as until 2026-12-04,
 * made the server slowest exactly when it fell behind: after a stall, many sockets at once
 * were over the mark after one flush, their broadcasts went packet by packet (200,000–530,000
 * a second at 3,500 msg/s to 1,000 receivers), engine.io then held their next packets back
 * (transport not writable until the real write callback), and the fanout never caught up while
 * the load lasted (docs/benchmarks.md, "Slow readers stay on the fast path").
 *
 * Anything else (acks, direct emits, binary or long-polling) takes Socket.IO's usual path. The
 * hook is one shared function set on each connection's Socket.IO client: no closure per
 * connection.
 */

type Frame = readonly Buffer[];

interface EngineConnection {
  readyState: string;
  writeBuffer: unknown[];
  transport: EngineTransport;
}

interface SocketIoClient {
  conn: EngineConnection;
  writeToEngine(encodedPackets: unknown, options: { wsPreEncodedFrame?: Frame }): void;
}

/** The TCP socket to write a pre-encoded frame to, or undefined to take the usual path. */
function directTarget(conn: EngineConnection): NetSocket | undefined {
  const transport = conn.transport;
  if (
    conn.readyState !== 'open' ||
    transport.name !== 'websocket' ||
    transport.perMessageDeflate ||
    conn.writeBuffer.length !== 0
  ) {
    return undefined;
  }
  const raw = tcpSocketOf(transport);
  if (transport.socket?.readyState !== 1 || !raw || raw.destroyed) return undefined;
  return raw;
}

function fastWriteToEngine(
  this: SocketIoClient,
  encodedPackets: unknown,
  options: { wsPreEncodedFrame?: Frame },
): void {
  const frame = options?.wsPreEncodedFrame;
  const raw = frame === undefined ? undefined : directTarget(this.conn);
  if (raw === undefined || frame === undefined) {
    const usual = (Object.getPrototypeOf(this) as SocketIoClient).writeToEngine;
    usual.call(this, encodedPackets, options);
    return;
  }
  if (isCoalesced(raw)) queueFrame(raw, frame);
  else for (let i = 0; i < frame.length; i++) raw.write(frame[i] as Buffer);
}

/** Installs the fast path on one connection's Socket.IO client. Idempotent. */
export function enableBroadcastFastPath(client: SocketIoClient): void {
  client.writeToEngine = fastWriteToEngine;
}

interface RoomAdapter {
  rooms: Map<string, Set<string>>;
  nsp: { sockets: Map<string, unknown> };
  on(event: 'join-room' | 'leave-room', listener: (room: string, id: string) => void): unknown;
  on(event: 'delete-room', listener: (room: string) => void): unknown;
  apply(
    opts: { rooms: Set<string>; except?: Set<string> },
    callback: (socket: unknown) => void,
  ): void;
}

export interface ConnectionSource {
  on(event: 'connection', listener: (socket: { client: unknown }) => void): unknown;
  of(name: '/'): { adapter: unknown };
}

/**
 * The adapter's walk over a room, for the common case of one room and no exceptions: the
 * members in order, without the set of ids already visited that the general walk builds for
 * every broadcast (a thousand-entry set, grown step by step, per message). The same sockets in
 * the same order; anything else takes the adapter's own walk.
 */
function installSingleRoomWalk(adapter: RoomAdapter): void {
  const general = adapter.apply;
  adapter.apply = function apply(this: RoomAdapter, opts, callback) {
    if (opts.rooms.size !== 1 || (opts.except !== undefined && opts.except.size > 0)) {
      general.call(this, opts, callback);
      return;
    }
    const [room] = opts.rooms;
    const members = room === undefined ? undefined : this.rooms.get(room);
    if (members === undefined) return;
    const sockets = this.nsp.sockets;
    for (const id of members) {
      const socket = sockets.get(id);
      if (socket !== undefined) callback(socket);
    }
  };
}

function onConnection(socket: { client: unknown }): void {
  enableBroadcastFastPath(socket.client as SocketIoClient);
}

interface PacketOptions {
  preEncoded: boolean;
  wsPreEncodedFrame?: Frame;
}

interface EventPacket {
  type: number;
  data: unknown[];
  nsp: string;
}

interface EncodingAdapter extends RoomAdapter {
  _encode(packet: EventPacket, options: PacketOptions): unknown;
}

interface BroadcastSocket {
  id: string;
  connected: boolean;
  client: SocketIoClient;
  notifyOutgoingListeners?: (packet: EventPacket) => void;
  /** Socket.IO's `onAnyOutgoing` listeners. */
  _anyOutgoingListeners?: unknown[];
}

/** socket.io-parser's EVENT packet type. */
const EVENT = 2;

/** One batch, encoded: its packets for engine.io's path, its frames joined for the fast path. */
interface EncodedBatch {
  packets: EventPacket[];
  encoded: unknown[];
  options: PacketOptions[];
  joined: Buffer | undefined;
}

function encodeBatch(adapter: EncodingAdapter, event: string, payloads: readonly unknown[]) {
  const batch: EncodedBatch = { packets: [], encoded: [], options: [], joined: undefined };
  const frames: Buffer[] = [];
  let framed = true;
  for (const payload of payloads) {
    const packet: EventPacket = { type: EVENT, data: [event, payload], nsp: '/' };
    const packetOptions: PacketOptions = { preEncoded: true };
    batch.packets.push(packet);
    batch.encoded.push(adapter._encode(packet, packetOptions));
    batch.options.push(packetOptions);
    const frame = packetOptions.wsPreEncodedFrame;
    if (frame === undefined) framed = false;
    else frames.push(...frame);
  }
  if (framed) batch.joined = concatUnpooled(frames);
  return batch;
}

/** A member's TCP socket when the batch's frame can be queued on it directly. */
function fastTarget(socket: BroadcastSocket, batch: EncodedBatch): NetSocket | undefined {
  if (batch.joined === undefined || (socket._anyOutgoingListeners?.length ?? 0) > 0) {
    return undefined;
  }
  const raw = directTarget(socket.client.conn);
  return raw !== undefined && isCoalesced(raw) ? raw : undefined;
}

/** Engine.io's path, packet by packet: what Socket.IO's own broadcast does. */
function emitUsual(socket: BroadcastSocket, batch: EncodedBatch): void {
  for (let i = 0; i < batch.packets.length; i++) {
    socket.notifyOutgoingListeners?.(batch.packets[i] as EventPacket);
  }
  for (let i = 0; i < batch.packets.length; i++) {
    socket.client.writeToEngine(batch.encoded[i], batch.options[i] as PacketOptions);
  }
}

/**
 * Emits several events to one room's sockets at once (what MessageWriter commits in one
 * transaction): each event is encoded once, as Socket.IO's broadcast does, and their frames are
 * joined into one buffer. A member the fast path can reach is attached to the room's shared
 * list of frames (room-feed.ts) until its next flush, and the buffer is pushed onto that list
 * once: a batch costs a visit only to the members flushed since the previous one, not a walk
 * over the whole room. The others (engine.io holding packets back, long-polling, deflate,
 * outgoing listeners) get each packet on the usual path, in order, at every batch. Only for the
 * main namespace's in-memory adapter with write coalescing: an adapter that carries broadcasts
 * to other nodes (Redis) must see each one.
 */
export function roomBatchEmitter(
  io: ConnectionSource,
): (room: string, event: string, payloads: readonly unknown[]) => void {
  const adapter = io.of('/').adapter as EncodingAdapter;
  const sockets = adapter.nsp.sockets as Map<string, BroadcastSocket>;
  const feeds = new Map<string, RoomFeed<BroadcastSocket>>();
  const rawOf = (socket: BroadcastSocket | undefined) =>
    socket === undefined ? undefined : tcpSocketOf(socket.client.conn.transport);
  // A new member is found by walking the whole room at the next batch.
  adapter.on('join-room', (room) => {
    const feed = feeds.get(room);
    if (feed !== undefined) feed.walked = false;
  });
  // A member leaving keeps what was sent to the room before, and gets nothing after.
  adapter.on('leave-room', (room, id) => {
    const feed = feeds.get(room);
    const raw = feed === undefined ? undefined : rawOf(sockets.get(id));
    if (raw !== undefined && feed?.owns(attachedList(raw))) detachFrames(raw);
  });
  adapter.on('delete-room', (room) => {
    feeds.delete(room);
  });

  return (room, event, payloads) => {
    const members = adapter.rooms.get(room);
    if (members === undefined) return;
    const batch = encodeBatch(adapter, event, payloads);
    const joined = batch.joined;
    if (joined === undefined) {
      // Not pre-framed (never the case for JSON payloads): every member, engine.io's path.
      for (const id of members) {
        const socket = sockets.get(id);
        if (socket !== undefined) emitUsual(socket, batch);
      }
      return;
    }
    let feed = feeds.get(room);
    if (feed === undefined) {
      feed = new RoomFeed();
      feeds.set(room, feed);
    }
    const list = feed.current();
    const visit = (socket: BroadcastSocket) => {
      const raw = fastTarget(socket, batch);
      if (raw !== undefined && attachFrames(raw, list, socket)) return;
      if (raw !== undefined) queueFrame(raw, [joined]);
      else emitUsual(socket, batch);
      feed.toVisit.push(socket);
    };
    if (!feed.walked) {
      feed.takeVisits();
      feed.walked = true;
      for (const id of members) {
        const socket = sockets.get(id);
        if (socket === undefined) continue;
        // Members still on one of the room's lists get this batch from the list.
        const raw = rawOf(socket);
        if (raw === undefined || !feed.owns(attachedList(raw))) visit(socket);
      }
    } else {
      for (const socket of feed.takeVisits()) {
        if (socket.connected && members.has(socket.id)) visit(socket);
      }
    }
    feed.push(joined);
  };
}

/**
 * Every connection of this Socket.IO server gets the fast path, and the main namespace's
 * adapter (in-memory or Redis: both inherit the walk) the single-room walk. Call it once the
 * adapter is in place.
 */
export function installBroadcastFastPath(io: ConnectionSource): void {
  io.on('connection', onConnection);
  installSingleRoomWalk(io.of('/').adapter as RoomAdapter);
}
