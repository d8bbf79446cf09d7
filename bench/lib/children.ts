import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { getPriority, setPriority } from 'node:os';
import { resolve } from 'node:path';

/** Child processes (the servers under test): spawn pinned, read /proc, always killed on exit. */

export const ROOT = resolve(import.meta.dirname, '../..');
const children = new Set<ChildProcess>();
let tasksetChecked: boolean | undefined;
/** This process's nice value before the meter made its main thread nicer (meter.ts). */
const SPAWN_NICE = getPriority();

/**
 * A child inherits the nice value of the thread that spawned it: after the meter made the
 * main thread nicer, every thread of a server started from it ran at nice 10. A server gets
 * the whole core it is pinned to, so that alone changed nothing; but Chatroom's own priorities
 * (its helper threads at nice 19 behind the event loop, helper-thread-priority.ts) are
 * relative to its event loop's, which must be what `npm start` gives it. So every thread of
 * the child still at the inherited value goes back to this process's first one; a thread the
 * server set itself keeps its value. Lowering a nice value needs privileges: where that is
 * refused, the child keeps what it inherited.
 */
function restoreChildNice(pid: number): void {
  const inherited = getPriority();
  if (inherited === SPAWN_NICE) return;
  try {
    for (const name of readdirSync(`/proc/${pid}/task`)) {
      const tid = Number(name);
      if (getPriority(tid) === inherited) setPriority(tid, SPAWN_NICE);
    }
  } catch {
    // Not Linux, not permitted, or the child is gone: it keeps its inherited priority.
  }
}

export function hasTaskset(): boolean {
  if (tasksetChecked === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetChecked = true;
    } catch {
      tasksetChecked = false;
    }
  }
  return tasksetChecked;
}

/** Pins this process (every thread: the load generator) to one core. */
export function pinSelf(core: number): boolean {
  if (!hasTaskset()) return false;
  try {
    execFileSync('taskset', ['-a', '-cp', String(core), String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export interface Child {
  name: string;
  process: ChildProcess;
  pid: number;
  port: number;
  /** Last lines of stderr/stdout, for failure reports. */
  output(): string;
  /** Sends an IPC message and resolves with the first reply of the same `type`. */
  ask<T>(message: { type: string } & Record<string, unknown>, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** A TypeScript entry (run with `node --import tsx`) or a bundled .mjs (plain node). */
  entry: string;
  env: Record<string, string>;
  core?: number | undefined;
  nodeArgs?: string[];
}

/** Starts a server child on a free port and waits until GET /health answers. */
export async function startChild(options: SpawnOptions): Promise<Child> {
  const port = await freePort();
  // A .ts entry runs through tsx (as `npm start` does); a bundled .mjs runs on plain node.
  const loader = options.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const nodeArgs = [...loader, ...(options.nodeArgs ?? []), options.entry];
  const pinned = options.core !== undefined && hasTaskset();
  const command = pinned ? 'taskset' : process.execPath;
  const args = pinned ? ['-c', String(options.core), process.execPath, ...nodeArgs] : nodeArgs;
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: spawn failed`);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const ask = <T>(message: { type: string } & Record<string, unknown>, timeoutMs = 5_000) =>
    new Promise<T>((done, fail) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage);
        fail(new Error(`${options.name}: no IPC answer to ${message.type}`));
      }, timeoutMs);
      const onMessage = (reply: unknown) => {
        if ((reply as { type?: string })?.type !== message.type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        done(reply as T);
      };
      child.on('message', onMessage);
      child.send(message);
    });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${options.name} exited (${child.exitCode}) while starting:\n${log}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.ok) {
        restoreChildNice(pid);
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not answer /health within 60 s:\n${log}`);
    }
    await sleep(100);
  }
  return { name: options.name, process: child, pid, port, output: () => log, ask, stop };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Kills every child still running (SIGKILL: used on exit paths that cannot wait). */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export async function stopAllChildren(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

let hooksInstalled = false;
/** Children die with the harness: normal exit, Ctrl-C, SIGTERM, or an uncaught error. */
export function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllChildren);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      killAllChildren();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error(error);
    killAllChildren();
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    console.error(error);
    killAllChildren();
    process.exit(1);
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds of a process, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Nanoseconds the process's main thread (the event loop) has spent runnable but waiting for a
 * CPU, from /proc/<pid>/schedstat: time other processes took from it. 0 where unavailable.
 */
export function runQueueWait(pid: number): number {
  try {
    const [, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ');
    return Number(wait) || 0;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds the whole machine spent in user and system code (every process; interrupts
 * and softirqs left out, they follow our own network traffic) and stolen by the hypervisor.
 */
export function machineCpu(): { busy: number; steal: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, user, nice, system, , , , , steal] = line.trim().split(/\s+/).map(Number);
    return {
      busy: ((user ?? 0) + (nice ?? 0) + (system ?? 0)) / CLOCK_TICKS,
      steal: (steal ?? 0) / CLOCK_TICKS,
    };
  } catch {
    return { busy: 0, steal: 0 };
  }
}

/** VmRSS and VmHWM (peak) in bytes, from /proc/<pid>/status. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets the peak RSS (VmHWM) to the current RSS, where the kernel allows it. */
export function resetPeak(pid: number): boolean {
  const path = `/proc/${pid}/clear_refs`;
  if (!existsSync(path)) return false;
  try {
    writeFileSync(path, '5');
    return true;
  } catch {
    return false;
  }
}
