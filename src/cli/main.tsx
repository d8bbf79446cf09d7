/**
 * `chatroom`: the terminal client. With a terminal on stdin it is interactive (menu, then the
 * full-screen chat); with a pipe it sends each input line and prints incoming messages.
 */
import { colorsEnabled, packageVersion, parseCommandLine } from './cli-options.js';
import { runPiped } from './piped-mode.js';

async function flushed(stream: NodeJS.WriteStream): Promise<void> {
  await new Promise<void>((resolve) => stream.write('', () => resolve()));
}

async function main(): Promise<number> {
  const { serverUrl } = parseCommandLine(process.argv, process.env);
  if (!process.stdin.isTTY) {
    process.stdout.on('error', () => undefined); // a closed pipe (| head) is not our failure
    return runPiped({
      serverUrl,
      env: process.env,
      input: process.stdin,
      out: process.stdout,
      err: process.stderr,
    });
  }
  if (process.stdout.isTTY) {
    // Ink draws only the final frame when it believes it runs in CI; on a real terminal the
    // user is here, whatever the environment says. (Read by Ink when it is first imported.)
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
  }
  const { runInteractive } = await import('./run-interactive.js');
  return runInteractive({
    serverUrl,
    version: packageVersion(),
    colors: colorsEnabled(process.env, process.stdout.isTTY === true),
  });
}

main()
  .then(async (code) => {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(code);
  })
  .catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`chatroom: ${message}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exit(1);
  });
