import type { EventLoopReport } from '../../src/server/shared/event-loop-probe.js';
import { memory, sleep } from './children.js';
import { openMany, RawClient } from './raw-client.js';

/**
 * Connections: K idle authenticated sockets, opened in steps; the server's RSS after each step
 * (once it settles), and the bytes each connection costs: the slope from the idle RSS.
 */

export interface ConnectionPoint {
  connections: number;
  rss: number;
  /** (rss − idle rss) / connections. */
  bytesPerConnection: number;
  /** V8 heap in use, when the server exposes the probe: (heapUsed − idle) / connections. */
  heapPerConnection?: number | undefined;
}

export interface ConnectionsResult {
  target: number;
  idleRss: number;
  points: ConnectionPoint[];
  finalRss: number;
  bytesPerConnection: number;
  heapPerConnection?: number | undefined;
  /** Sockets still open at the end (all should be). */
  open: number;
  openSeconds: number;
}

export interface ConnectionsOptions {
  port: number;
  pid: number;
  tokens: readonly (string | undefined)[];
  steps: number;
  settleMs: number;
  /** The server's probe (memory usage), if it has one. */
  probe?: (() => Promise<EventLoopReport>) | undefined;
  log: (line: string) => void;
}

/**
 * RSS once the sockets are idle: the lowest reading over `settleMs`. V8 keeps the young
 * generation it grew during the handshake burst (up to 32 MB) and the old-space garbage of the
 * burst until its memory reducer runs, 20–30 s after a burst on this machine (observed with
 * `v8.getHeapSpaceStatistics()`: new space 33.6 → 1 MB); idle means after that, so a step
 * settles as long as the idle reading before the first (45 s by default).
 */
async function settledRss(pid: number, settleMs: number): Promise<number> {
  let lowest = memory(pid).rss;
  const deadline = Date.now() + settleMs;
  while (Date.now() < deadline) {
    await sleep(Math.min(500, settleMs));
    lowest = Math.min(lowest, memory(pid).rss);
  }
  return lowest;
}

const IDLE_SETTLE_MS = 45_000;

export async function connections(options: ConnectionsOptions): Promise<ConnectionsResult> {
  const { port, pid, tokens, steps, settleMs, log, probe } = options;
  const target = tokens.length;
  const heapUsed = async () => (await probe?.().catch(() => undefined))?.memory?.heapUsed;
  // A server just started still holds its start-up garbage until V8's memory reducer runs,
  // ~15–25 s after allocation stops (the real server: 106 MB, then 83 MB): idle is after that.
  const idleRss = await settledRss(pid, Math.max(settleMs, IDLE_SETTLE_MS));
  const idleHeap = await heapUsed();
  const clients: RawClient[] = [];
  const points: ConnectionPoint[] = [];
  const started = performance.now();
  try {
    for (let step = 1; step <= steps; step++) {
      const upTo = Math.round((target * step) / steps);
      const from = clients.length;
      const opened = await openMany(
        upTo - from,
        (i) => new RawClient({ port, token: tokens[from + i] }),
        200,
        180_000,
      );
      clients.push(...opened);
      const rss = await settledRss(pid, settleMs);
      const heap = await heapUsed();
      const point = {
        connections: clients.length,
        rss,
        bytesPerConnection: Math.round((rss - idleRss) / clients.length),
        heapPerConnection:
          heap !== undefined && idleHeap !== undefined
            ? Math.round((heap - idleHeap) / clients.length)
            : undefined,
      };
      points.push(point);
      log(
        `  ${String(point.connections).padStart(6)} sockets: RSS ${(rss / 1048576).toFixed(1)} MB, ${point.bytesPerConnection} B/connection${point.heapPerConnection === undefined ? '' : ` (V8 heap ${point.heapPerConnection} B)`}`,
      );
    }
    const openSeconds = (performance.now() - started) / 1000;
    const open = clients.filter((c) => c.state === 'open').length;
    const last = points.at(-1);
    return {
      target,
      idleRss,
      points,
      finalRss: last?.rss ?? idleRss,
      bytesPerConnection: last?.bytesPerConnection ?? 0,
      heapPerConnection: last?.heapPerConnection,
      open,
      openSeconds: Math.round(openSeconds * 10) / 10,
    };
  } finally {
    for (const client of clients) client.close();
  }
}
