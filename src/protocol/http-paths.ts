/**
 * The REST API's paths (PROTOCOL.md), one per route family: `/rooms` also covers
 * `/rooms/{id}/messages`. The web client's dev server forwards exactly these to a Chatroom
 * server (vite.config.ts), and a test checks that every documented route falls under one.
 */
export const HTTP_PATHS = [
  '/register',
  '/login',
  '/logout',
  '/online',
  '/send',
  '/messages',
  '/rooms',
  '/join_room',
  '/create_room',
  '/leave_room',
  '/announcement',
  '/health',
] as const;
