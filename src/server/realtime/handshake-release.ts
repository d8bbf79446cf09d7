/**
 * Memory per idle connection: engine.io keeps each connection's HTTP upgrade request
 * (IncomingMessage, raw headers, parsed query) for its whole life, although Socket.IO copied
 * what it needs into `socket.handshake` when the client connected. Dropping the reference once
 * the socket is connected saves ~0.7 KB per connection (the Socket.IO documentation's
 * "memory usage" advice). Nothing here reads `socket.request` / `socket.conn.request`; only
 * the default namespace exists, so no later namespace handshake needs it either.
 */

interface ConnectedSocket {
  conn: { request: unknown };
}

export interface ConnectionSource {
  on(event: 'connection', listener: (socket: ConnectedSocket) => void): unknown;
}

function release(socket: ConnectedSocket): void {
  socket.conn.request = null;
}

export function releaseHandshakeRequests(io: ConnectionSource): void {
  io.on('connection', release);
}
