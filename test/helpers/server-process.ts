import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Output so far, for failure messages. */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** What `npm start` runs: the bundle `npm run build` writes (scripts/bundle.ts). */
export const SERVER_BUNDLE = resolve(ROOT, 'dist/server/main.mjs');

/**
 * Runs the real entry point as a child process and waits for /health: its sources through tsx
 * (`source`), or the production bundle as `npm start` runs it (`bundle`; built by `npm test`).
 */
export async function startServerProcess(
  env: Record<string, string>,
  port?: number,
  entry: 'source' | 'bundle' = 'source',
): Promise<ServerProcess> {
  const chosen = port ?? (await freePort());
  if (entry === 'bundle' && !existsSync(SERVER_BUNDLE)) {
    throw new Error(`${SERVER_BUNDLE} is missing: run \`npm run build\` first`);
  }
  const args = entry === 'bundle' ? [SERVER_BUNDLE] : ['--import', 'tsx', 'src/server/main.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(chosen),
      LOG_LEVEL: 'warn',
      RATE_MESSAGES: '0',
      RATE_HTTP_PER_MINUTE: '0',
      RATE_REGISTRATIONS: '0',
      RATE_LOGIN_FAILURES: '0',
      WEB_ROOT: resolve(ROOT, 'test/no-web-root'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const url = `http://127.0.0.1:${chosen}`;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited at start:\n${log}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    port: chosen,
    output: () => log,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
