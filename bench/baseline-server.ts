import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { startEventLoopProbe } from '../src/server/shared/event-loop-probe.js';

/**
 * The cost floor for `npm run bench`: a bare Socket.IO room broadcast. No auth, no storage, no
 * validation: every socket joins one room; `send_message` is broadcast to the room as
 * `new_message` and acknowledged. Default Socket.IO options (the same engine the real server
 * uses). Listens on PORT at HOST; GET /health answers 200 so the harness knows it is up.
 */

const ROOM = 'general';
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

if (process.env.BENCH_EVENT_LOOP === '1') startEventLoopProbe();

const http = createServer((request, response) => {
  if (request.url === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"success":true,"status":"ok"}');
    return;
  }
  if (!request.url?.startsWith('/socket.io/')) {
    response.writeHead(404);
    response.end();
  }
});

const io = new Server(http, { serveClient: false });
let nextId = 1;

io.on('connection', (socket) => {
  socket.join(ROOM);
  socket.on('send_message', (payload: { content?: unknown } | undefined, ack?: unknown) => {
    const message = {
      id: nextId++,
      room: ROOM,
      username: 'bench',
      content: String(payload?.content ?? ''),
      timestamp: new Date().toISOString(),
    };
    io.to(ROOM).emit('new_message', message);
    if (typeof ack === 'function') ack({ success: true, message });
  });
});

http.listen(port, host);

const stop = () => {
  io.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
