import { Socket as NetSocket } from 'node:net';

/**
 * Per-turn write coalescing underneath Socket.IO's websocket transport.
 *
 * A room broadcast writes one WebSocket frame to every recipient's TCP socket, and each write
 * is its own syscall: with a busy room that is (messages × recipients) syscalls, and on
 * loopback or a LAN each one costs more than all the JavaScript around it. Here the first
 * write to a socket in an event-loop turn corks it; one `setImmediate` per turn uncorks every
 * socket corked in that turn, so all the frames a recipient got in the turn leave in a single
 * writev. Nothing else changes: the same bytes in the same order on each socket, and write
 * callbacks still fire only once the data is handed to the kernel (engine.io's own flow
 * control is untouched). The cost is at most one turn of added latency.
 *
 * Only websocket transports are affected (HTTP long-polling responses are not touched). The
 * hook is one shared function set as the socket's `write`: no closure per connection.
 */

/** Engine.io's types for these internals are not exported; the shapes used here. */
interface EngineTransport {
  name?: string;
  /** The `ws` WebSocket of engine.io's websocket transport. */
  socket?: { _socket?: NetSocket } | undefined;
}

interface EngineSocket {
  transport: EngineTransport;
  on(event: 'upgrade', listener: (transport: EngineTransport) => void): unknown;
}

export interface EngineLike {
  on(event: 'connection', listener: (socket: EngineSocket) => void): unknown;
}

const kCorked = Symbol('chatroom.coalescing.corked');
type Coalesced = NetSocket & { [kCorked]?: boolean };

const plainWrite = NetSocket.prototype.write;
type PlainWrite = (chunk: unknown, encoding?: unknown, callback?: unknown) => boolean;
const EARLY = process.env.WC_EARLY === '1';

let corked: Coalesced[] = [];
let spare: Coalesced[] = [];
let scheduled = false;

function uncorkAll(): void {
  scheduled = false;
  const list = corked;
  corked = spare;
  spare = list;
  for (let i = 0; i < list.length; i++) {
    const socket = list[i] as Coalesced;
    socket[kCorked] = false;
    if (!socket.destroyed) socket.uncork();
  }
  list.length = 0;
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
    if (!scheduled) {
      scheduled = true;
      setImmediate(uncorkAll);
    }
  }
  if (typeof encoding === 'function') {
    callback = encoding;
    encoding = undefined;
  }
  if (
    EARLY &&
    typeof callback === 'function' &&
    this[kCorked] === true &&
    !this.writableNeedDrain
  ) {
    (plainWrite as PlainWrite).call(this, chunk, encoding);
    process.nextTick(callback as () => void);
    return true;
  }
  return (plainWrite as PlainWrite).call(this, chunk, encoding, callback);
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
  const raw = transport.socket?._socket;
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
