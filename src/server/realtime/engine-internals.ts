import type { Socket as NetSocket } from 'node:net';

/**
 * The engine.io internals that write coalescing, the broadcast fast path and the handshake
 * release reach into. engine.io exports no types for them: these are the shapes used.
 */
export interface EngineTransport {
  name?: string;
  writable?: boolean;
  perMessageDeflate?: unknown;
  /**
   * The `ws` WebSocket of engine.io's websocket transport (readyState 1: open), its TCP socket
   * and its frame parser.
   */
  socket?: { readyState?: number; _socket?: NetSocket; _receiver?: unknown } | undefined;
}

/** The TCP socket under a websocket transport; undefined for long-polling. */
export function tcpSocketOf(transport: EngineTransport | undefined): NetSocket | undefined {
  return transport?.socket?._socket;
}
