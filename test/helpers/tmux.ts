import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Quotes one word for `sh -c`. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_/.:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export type ScreenTest = string | RegExp | ((screen: string) => boolean | Promise<boolean>);

async function matches(screen: string, test: ScreenTest): Promise<boolean> {
  if (typeof test === 'string') return screen.includes(test);
  if (test instanceof RegExp) return test.test(screen);
  return test(screen);
}

function describe(test: ScreenTest): string {
  return typeof test === 'function' ? 'the screen condition' : String(test);
}

export interface PaneOptions {
  width?: number;
  height?: number;
  cwd?: string;
}

/**
 * A private tmux server (`tmux -L <unique socket>`, no user config) for end-to-end tests of
 * the terminal client in a real terminal: each client runs in its own session (one pane of a
 * fixed size); tests type with send-keys and read the screen with capture-pane. Panes stay
 * after their program exits (remain-on-exit) so its last output and exit status can be read.
 */
export class Tmux {
  readonly socket = `chatroom-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  private sessions = 0;
  private started = false;
  private socketPath = '';

  async run(...args: string[]): Promise<string> {
    const { stdout } = await exec('tmux', ['-L', this.socket, '-f', '/dev/null', ...args]);
    return stdout;
  }

  private async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // A placeholder session keeps the server up; then options for every pane.
    await this.run('new-session', '-d', '-s', 'keep', '-x', '80', '-y', '24', 'sleep 86400');
    await this.run('set-option', '-g', 'remain-on-exit', 'on');
    await this.run('set-option', '-g', 'history-limit', '1000');
    this.socketPath = (await this.run('display-message', '-p', '#{socket_path}')).trim();
  }

  /**
   * Runs `command` (a shell command line) in a new session of the given size. When it ends,
   * the pane prints `[exited N]` (read by `Pane.waitForExit`) and stays open.
   */
  async open(command: string, options: PaneOptions = {}): Promise<Pane> {
    await this.start();
    const name = `pane${++this.sessions}`;
    const size = ['-x', String(options.width ?? 80), '-y', String(options.height ?? 24)];
    const cwd = options.cwd ? ['-c', options.cwd] : [];
    const wrapped = `${command}; printf '\\n[exited %s]\\n' "$?"`;
    await this.run('new-session', '-d', '-s', name, ...size, ...cwd, wrapped);
    return new Pane(this, `${name}:0.0`);
  }

  /** Kills the tmux server and every program still running in it; removes its socket. */
  async kill(): Promise<void> {
    if (!this.started) return;
    await this.run('kill-server').catch(() => undefined);
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}

export class Pane {
  constructor(
    private readonly tmux: Tmux,
    readonly target: string,
  ) {}

  /** Types text literally (no key names). */
  async sendText(text: string): Promise<void> {
    await this.tmux.run('send-keys', '-t', this.target, '-l', text);
  }

  /** Presses keys by tmux name: `Enter`, `C-c`, `PageUp`, `Escape`, `BSpace`... */
  async sendKeys(...keys: string[]): Promise<void> {
    await this.tmux.run('send-keys', '-t', this.target, ...keys);
  }

  /** Types a line and presses Enter. */
  async typeLine(text: string): Promise<void> {
    if (text) await this.sendText(text);
    await this.sendKeys('Enter');
  }

  /**
   * The visible screen, one line per row (trailing spaces trimmed by tmux); with `escapes`,
   * including the colour and style sequences.
   */
  async screen(options: { escapes?: boolean } = {}): Promise<string> {
    const flags = options.escapes ? ['-p', '-e'] : ['-p'];
    return this.tmux.run('capture-pane', ...flags, '-t', this.target);
  }

  /**
   * Everything the pane printed that tmux kept: the scrollback and the screen. Use it once the
   * program has exited (tmux may scroll the last screen to show "Pane is dead").
   */
  async transcript(): Promise<string> {
    return this.tmux.run('capture-pane', '-p', '-S', '-', '-t', this.target);
  }

  /** The cursor position (column, row), 0-based. */
  async cursor(): Promise<{ x: number; y: number }> {
    const out = await this.tmux.run(
      'display-message',
      '-p',
      '-t',
      this.target,
      '#{cursor_x} #{cursor_y}',
    );
    const [x, y] = out.trim().split(' ').map(Number);
    return { x: x ?? -1, y: y ?? -1 };
  }

  /**
   * Polls capture-pane until the screen satisfies `test`; returns that screen. Fails after
   * `timeoutMs` with the last screen in the message, so a failing test shows what was there.
   */
  async waitForScreen(test: ScreenTest, timeoutMs = 15_000): Promise<string> {
    return this.poll(() => this.screen(), test, timeoutMs);
  }

  /** Like `waitForScreen`, on the whole transcript (scrollback included). */
  async waitForOutput(test: ScreenTest, timeoutMs = 15_000): Promise<string> {
    return this.poll(() => this.transcript(), test, timeoutMs);
  }

  private async poll(read: () => Promise<string>, test: ScreenTest, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = await read();
      if (await matches(screen, test)) return screen;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${describe(test)} in ${this.target}; ` +
            `screen was:\n${screen}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * The program's exit status once it ended, null while it runs. Read from the `[exited N]`
   * line the pane prints (more dependable than tmux's pane_dead_status, which is sometimes
   * never filled in).
   */
  async exitStatus(): Promise<number | null> {
    const found = /\[exited (\d+)\]/.exec(await this.transcript());
    return found ? Number(found[1]) : null;
  }

  /** Waits for the program to end; resolves with its exit status. */
  async waitForExit(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.exitStatus();
      if (status !== null) return status;
      if (Date.now() > deadline) {
        throw new Error(
          `${this.target} still running after ${timeoutMs} ms:\n${await this.screen()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
