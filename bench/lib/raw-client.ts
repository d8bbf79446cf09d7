import { randomBytes } from 'node:crypto';
import { type Socket, connect as tcpConnect } from 'node:net';
import { FrameReader } from './frame-reader.js';

/**
 * A minimal Socket.IO v4 client over a raw TCP socket: the WebSocket handshake to
 * /socket.io/?EIO=4&transport=websocket, the Socket.IO CONNECT packet with `auth`, engine.io
 * pings answered with masked pongs, and incoming text frames walked by their headers.
 *
 * Cheap on purpose: a counting client never parses JSON, it only compares the first bytes of
 * each frame with `42["new_message"`. One load-generator core can then stand in for thousands
 * of browsers.
 */

const NEW_MESSAGE = Buffer.from('42["new_message"');
const OP_TEXT = 0x1;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const HEADER_END = Buffer.from('\r\n\r\n');

export interface RawClientOptions {
  port: number;
  /** Sent as the CONNECT packet's auth: `40{"token":"..."}`. */
  token?: string | undefined;
  /** Called with every `new_message` event frame: its bytes in `data` (the sampling receivers). */
  onNewMessage?:
    | ((data: Buffer, start: number, end: number, receivedAt: number) => void)
    | undefined;
  /** Called with the text of every Socket.IO ACK frame (`43<id>[...]`, the senders). */
  onAck?: ((text: string, receivedAt: number) => void) | undefined;
  /** Handshake and CONNECT must complete within this many ms. */
  timeoutMs?: number;
}

export type ClientState = 'connecting' | 'open' | 'closed';

/** Builds a masked client-to-server text frame (clients must mask, RFC 6455 §5.3). */
export function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + 4 + length);
  frame[0] = 0x80 | OP_TEXT;
  if (length < 126) {
    frame[1] = 0x80 | length;
  } else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = (Math.random() * 0x1_0000_0000) >>> 0;
  frame.writeUInt32BE(mask, headerLength);
  const m0 = mask >>> 24;
  const m1 = (mask >>> 16) & 0xff;
  const m2 = (mask >>> 8) & 0xff;
  const m3 = mask & 0xff;
  const start = headerLength + 4;
  for (let i = 0; i < length; i++) {
    const key = (i & 3) === 0 ? m0 : (i & 3) === 1 ? m1 : (i & 3) === 2 ? m2 : m3;
    frame[start + i] = (payload[i] as number) ^ key;
  }
  return frame;
}

const PONG_FRAME = maskedTextFrame('3');

/** What every client of this thread reads into (see `open`). */
const READ_BUFFER = Buffer.allocUnsafe(128 * 1024);

export class RawClient {
  state: ClientState = 'connecting';
  /** `new_message` event frames received since `open` (or the last reset). */
  newMessages = 0;
  /** performance.now() of the last `new_message` frame. */
  lastNewMessageAt = 0;
  /** Every frame received after the handshake. */
  frames = 0;
  bytesIn = 0;
  closeReason = '';
  private socket: Socket | null = null;
  /** performance.now() of the read being walked: every frame in it arrived then. */
  private readAt = 0;
  /** The start of the handshake's response, while it is cut by a read. */
  private handshake: Buffer | null = null;
  private readonly reader = new FrameReader((data, start, end, opcode) =>
    this.onFrame(data, start, end, opcode),
  );
  private upgraded = false;
  private resolveOpen: (() => void) | null = null;
  private rejectOpen: ((error: Error) => void) | null = null;

  constructor(private readonly options: RawClientOptions) {}

  /** Resolves once the Socket.IO namespace accepted the CONNECT (`40{"sid":...}`). */
  open(): Promise<void> {
    const { port, timeoutMs = 20_000 } = this.options;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error('connect timeout')), timeoutMs);
      this.resolveOpen = () => {
        clearTimeout(timer);
        resolve();
      };
      this.rejectOpen = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      // Reads land in one buffer shared by this thread's clients (net's `onread`): no stream
      // machinery, no buffer per read. onData copies whatever must outlive the call.
      const socket = tcpConnect({
        port,
        host: '127.0.0.1',
        noDelay: true,
        onread: {
          buffer: READ_BUFFER,
          callback: (bytes: number, buffer: Uint8Array) => {
            this.onData(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
            return true;
          },
        },
      });
      this.socket = socket;
      socket.on('connect', () => {
        const key = randomBytes(16).toString('base64');
        socket.write(
          `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
            `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\n` +
            'Sec-WebSocket-Version: 13\r\n\r\n',
        );
      });
      socket.on('error', (error) => this.fail(error));
      socket.on('close', () => this.fail(new Error(this.closeReason || 'socket closed')));
    });
  }

  sendText(text: string): void {
    if (this.state === 'open') this.socket?.write(maskedTextFrame(text));
  }

  /** Sends an already masked frame (pre-built by the caller). */
  sendFrame(frame: Buffer): void {
    if (this.state === 'open') this.socket?.write(frame);
  }

  close(): void {
    this.state = 'closed';
    this.socket?.destroy();
    this.socket = null;
  }

  private fail(error: Error): void {
    if (this.state !== 'closed') {
      this.state = 'closed';
      this.closeReason ||= error.message;
      this.socket?.destroy();
    }
    this.rejectOpen?.(error);
    this.resolveOpen = null;
    this.rejectOpen = null;
  }

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    this.readAt = performance.now();
    if (this.upgraded) {
      this.reader.push(chunk);
      return;
    }
    const data = this.handshake ? Buffer.concat([this.handshake, chunk]) : chunk;
    this.handshake = null;
    const end = data.indexOf(HEADER_END);
    if (end < 0) {
      this.handshake = Buffer.from(data);
      return;
    }
    const head = data.toString('latin1', 0, end);
    if (!head.startsWith('HTTP/1.1 101')) {
      this.fail(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      return;
    }
    this.upgraded = true;
    this.reader.push(data.subarray(end + 4));
  }

  private onFrame(data: Buffer, start: number, end: number, opcode: number): boolean {
    this.frames++;
    if (opcode === OP_TEXT) this.onText(data, start, end, this.readAt);
    else if (opcode === OP_PING) this.socket?.write(pongControlFrame(data.subarray(start, end)));
    else if (opcode === OP_CLOSE) {
      this.fail(new Error('closed by server'));
      return false;
    }
    return true;
  }

  private onText(data: Buffer, start: number, end: number, now: number): void {
    const first = data[start];
    // engine.io packet types: 0 open, 2 ping, 4 message (then a Socket.IO packet type).
    if (first === 0x34) {
      const second = data[start + 1];
      if (second === 0x32) {
        if (isNewMessage(data, start, end)) {
          this.newMessages++;
          this.lastNewMessageAt = now;
          this.options.onNewMessage?.(data, start, end, now);
        }
      } else if (second === 0x33) {
        this.options.onAck?.(data.toString('utf8', start, end), now);
      } else if (second === 0x30) {
        // CONNECT accepted: 40{"sid":...}
        this.state = 'open';
        this.resolveOpen?.();
        this.resolveOpen = null;
        this.rejectOpen = null;
      } else if (second === 0x34) {
        this.fail(new Error(`connect_error ${data.toString('utf8', start + 2, end)}`));
      }
    } else if (first === 0x32) {
      this.socket?.write(PONG_FRAME);
    } else if (first === 0x30) {
      // engine.io open: now the Socket.IO CONNECT, with the token as auth.
      const auth =
        this.options.token === undefined ? '' : JSON.stringify({ token: this.options.token });
      this.socket?.write(maskedTextFrame(`40${auth}`));
    }
  }
}

/**
 * The prefix's bytes as constants. Every counting receiver checks every frame it gets (~6M a
 * second at 6,000 msg/s, R=1,000), and a loop over NEW_MESSAGE (two loads and a bounds check
 * per byte) made walking a read take 40–75 ns a frame, against 36–46 ns compared unrolled
 * (docs/benchmarks.md, "A list per batch", the load generator).
 */
const [P0, P1, P2, P3, P4, P5, P6, P7, P8, P9, P10, P11, P12, P13, P14, P15] = NEW_MESSAGE;

/** Whether `data[start, end)` is a `new_message` event packet: `42["new_message"...`. */
export function isNewMessage(data: Buffer, start: number, end: number): boolean {
  return (
    end - start >= NEW_MESSAGE.length &&
    data[start] === P0 &&
    data[start + 1] === P1 &&
    data[start + 2] === P2 &&
    data[start + 3] === P3 &&
    data[start + 4] === P4 &&
    data[start + 5] === P5 &&
    data[start + 6] === P6 &&
    data[start + 7] === P7 &&
    data[start + 8] === P8 &&
    data[start + 9] === P9 &&
    data[start + 10] === P10 &&
    data[start + 11] === P11 &&
    data[start + 12] === P12 &&
    data[start + 13] === P13 &&
    data[start + 14] === P14 &&
    data[start + 15] === P15
  );
}

function pongControlFrame(payload: Buffer): Buffer {
  const frame = Buffer.alloc(6 + payload.length);
  frame[0] = 0x8a;
  frame[1] = 0x80 | payload.length;
  payload.copy(frame, 6);
  return frame;
}

/**
 * `new_message` frames counted by `clients` since their last reset, the absolute time of the
 * last one (performance.timeOrigin + now, comparable across threads; 0 if none), and how many
 * of them are open.
 */
export function tally(clients: Iterable<RawClient>): {
  delivered: number;
  last: number;
  open: number;
} {
  let delivered = 0;
  let last = 0;
  let open = 0;
  for (const client of clients) {
    delivered += client.newMessages;
    if (client.state === 'open') open++;
    if (client.lastNewMessageAt > last) last = client.lastNewMessageAt;
  }
  return { delivered, last: last > 0 ? performance.timeOrigin + last : 0, open };
}

/** Opens `count` clients with at most `concurrency` handshakes in flight; bounded by time. */
export async function openMany(
  count: number,
  make: (index: number) => RawClient,
  concurrency = 100,
  deadlineMs = 120_000,
): Promise<RawClient[]> {
  const clients: RawClient[] = new Array(count);
  const deadline = Date.now() + deadlineMs;
  let next = 0;
  let failure: Error | null = null;
  const worker = async () => {
    while (next < count && failure === null) {
      if (Date.now() > deadline) {
        failure = new Error(`opening ${count} clients took over ${deadlineMs} ms`);
        return;
      }
      const index = next++;
      const client = make(index);
      clients[index] = client;
      try {
        await client.open();
      } catch (error) {
        failure = new Error(`client ${index}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure) {
    for (const client of clients) client?.close();
    throw failure;
  }
  return clients;
}
