import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { HTTP_PATHS } from './src/protocol/http-paths.js';
import { pwaPlugin } from './src/web/build/pwa-plugin.js';

export default defineConfig({
  root: 'src/web',
  plugins: [preact(), pwaPlugin('src/web/service-worker.ts')],
  resolve: {
    // The shared protocol module defines zod schemas at load time, but the browser never
    // validates with them: a stand-in keeps ~25 KB of zod out of the bundle (see the file).
    alias: [{ find: /^zod$/, replacement: resolve('src/web/zod-stub.ts') }],
  },
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    proxy: {
      // The REST API (`npx vite` in front of a Chatroom server on :5050).
      ...Object.fromEntries(HTTP_PATHS.map((path) => [path, 'http://localhost:5050'])),
      '/socket.io': { target: 'ws://localhost:5050', ws: true },
    },
  },
});
