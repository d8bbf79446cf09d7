import type { EventLoopReport } from '../../src/server/shared/event-loop-probe.js';
import { type Child, sleep } from './children.js';
import { type LatencySummary, Samples } from './stats.js';

/**
 * Login: event-loop delay while `concurrency` logins (argon2id verify + session insert) run at
 * once. Measured inside the server (perf_hooks.monitorEventLoopDelay, BENCH_EVENT_LOOP=1, read
 * over IPC), and from outside as an upper bound: GET /health round trips every few ms, which
 * add HTTP parsing and the client's own scheduling to the server's delay.
 */

export interface LoginRound {
  loginsOk: number;
  loginMs: LatencySummary;
  eventLoop: EventLoopReport;
  health: LatencySummary;
}

export interface LoginResult {
  concurrency: number;
  idle: EventLoopReport;
  rounds: LoginRound[];
  /** The worst round's p99 event-loop delay, ms. */
  eventLoopP99: number;
  eventLoopMax: number;
  healthP99: number;
}

export interface LoginOptions {
  server: Child;
  usernames: readonly string[];
  password: string;
  rounds: number;
  log: (line: string) => void;
}

async function timed(url: string, init?: RequestInit): Promise<{ ok: boolean; ms: number }> {
  const start = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return { ok: response.ok, ms: performance.now() - start };
  } catch {
    return { ok: false, ms: performance.now() - start };
  }
}

export async function loginStorm(options: LoginOptions): Promise<LoginResult> {
  const { server, usernames, password, rounds, log } = options;
  const base = `http://127.0.0.1:${server.port}`;
  const probe = (reset: boolean) =>
    server.ask<EventLoopReport>({ type: 'bench:event-loop', reset });

  await probe(true);
  await sleep(1000);
  const idle = await probe(true);
  const results: LoginRound[] = [];
  for (let round = 0; round < rounds; round++) {
    await probe(true);
    const health = new Samples();
    let running = true;
    const poller = (async () => {
      for (let i = 0; running && i < 10_000; i++) {
        const { ms } = await timed(`${base}/health`);
        health.add(ms);
        await sleep(5);
      }
    })();
    const loginMs = new Samples();
    const outcomes = await Promise.all(
      usernames.map(async (username) => {
        const result = await timed(`${base}/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        });
        loginMs.add(result.ms);
        return result.ok;
      }),
    );
    running = false;
    await poller;
    const eventLoop = await probe(true);
    const entry = {
      loginsOk: outcomes.filter(Boolean).length,
      loginMs: loginMs.summary(),
      eventLoop,
      health: health.summary(),
    };
    results.push(entry);
    log(
      `  round ${round + 1}: ${entry.loginsOk}/${usernames.length} logins in ≤ ${entry.loginMs.max} ms; event loop p99 ${eventLoop.p99} ms (max ${eventLoop.max}); /health p99 ${entry.health.p99} ms`,
    );
    await sleep(300);
  }
  return {
    concurrency: usernames.length,
    idle,
    rounds: results,
    eventLoopP99: Math.max(...results.map((r) => r.eventLoop.p99)),
    eventLoopMax: Math.max(...results.map((r) => r.eventLoop.max)),
    healthP99: Math.max(...results.map((r) => r.health.p99)),
  };
}
