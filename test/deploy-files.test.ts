import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The Docker files cannot be run here (no Docker engine): check what can be checked without
 * one. `docker-compose config` (Debian's docker-compose, installed by .ci/run) parses and
 * validates the compose file.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);
const read = (path: string) => readFileSync(resolve(ROOT, path), 'utf8');

async function compose(...args: string[]) {
  return run('docker-compose', ['-f', 'docker-compose.yml', ...args], {
    cwd: ROOT,
    timeout: 30_000,
    env: { ...process.env, COMPOSE_INTERACTIVE_NO_CLI: '1' },
  });
}

async function hasDockerCompose(): Promise<boolean> {
  try {
    await run('docker-compose', ['version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const composeInstalled = await hasDockerCompose();
if (!composeInstalled) {
  console.warn('docker-compose is not installed: the compose file is not validated here');
}

describe('docker-compose.yml', () => {
  it.runIf(composeInstalled)('is valid for docker-compose', async () => {
    await expect(compose('config', '-q')).resolves.toBeDefined();
    await expect(compose('--profile', 'scale', 'config', '-q')).resolves.toBeDefined();
  });

  it.runIf(composeInstalled)(
    'defines the single node, the client and the scale stack',
    async () => {
      const { stdout } = await compose(
        '--profile',
        'scale',
        '--profile',
        'client',
        'config',
        '--services',
      );
      expect(stdout.split('\n').filter(Boolean).sort()).toEqual(
        ['chat-client', 'lb', 'node1', 'node2', 'postgres', 'redis', 'server'].sort(),
      );
    },
  );

  it('mounts files that exist', () => {
    const mounts = [...read('docker-compose.yml').matchAll(/-\s+\.\/([^:\s]+):/g)].map((m) => m[1]);
    expect(mounts).toContain('deploy/nginx.conf');
    for (const path of mounts) expect(existsSync(resolve(ROOT, path ?? '')), path).toBe(true);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds on node 20 slim in stages and runs as a non-root user', () => {
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:20-bookworm-slim/);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('builds the web client when the project has a build script, and ships production deps only', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    if (scripts.build) expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
  });

  it('checks /health, keeps data on a volume, and runs the server as PID 1 of the app', () => {
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/health/);
    expect(runtime).toMatch(/VOLUME \["\/app\/data"\]/);
    // What `npm start` runs: the bundle `npm run build` writes, started by node itself.
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts.start).toBe('node dist/server/main.mjs');
    expect(runtime).toMatch(/CMD \["node", "dist\/server\/main\.mjs"\]/);
    expect(runtime).toMatch(/COPY --from=build \/app\/dist \.\/dist/);
    for (const path of [
      'src/server/main.ts',
      'scripts/bundle.ts',
      'bin/chatroom.js',
      'tsconfig.json',
    ]) {
      expect(existsSync(resolve(ROOT, path)), path).toBe(true);
    }
  });
});

describe('deploy/nginx.conf', () => {
  const conf = read('deploy/nginx.conf');

  it('balances over the compose nodes and passes WebSocket upgrades', () => {
    expect(conf).toMatch(/server node1:5050/);
    expect(conf).toMatch(/server node2:5050/);
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(conf).toMatch(/ip_hash;/);
  });

  it('has balanced braces', () => {
    const code = conf.replace(/#.*$/gm, '');
    expect(code.split('{').length).toBe(code.split('}').length);
  });
});
