import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle, esbuildVersion, type Runner } from './lib/bundle.js';
import {
  type Child,
  hasTaskset,
  installExitHooks,
  pinSelf,
  ROOT,
  sleep,
  startChild,
  stopAllChildren,
} from './lib/children.js';
import { connections } from './lib/connections.js';
import { FanoutRig, ramp, runSteady } from './lib/fanout.js';
import { loginStorm } from './lib/login.js';
import { terminateSharedMeter } from './lib/meter.js';
import {
  at80Summary,
  type BenchResult,
  runsAt80,
  svgChart,
  type TargetResult,
  verdicts,
  writeDocs,
} from './lib/report.js';
import { PASSWORD, seedUsers } from './lib/seed.js';
import { describeStalls, measureStalls } from './lib/stall-probe.js';
import { formatBytes, formatRate } from './lib/stats.js';

const HELP = `npm run bench -- [flags]

Benchmarks the real server (SQLite, durable commits) against a bare Socket.IO broadcast server,
both started here as child processes on free ports (127.0.0.1 only).

  -R, --receivers N     receivers in one room (default 1000)
  -S, --senders N       senders (default 10)
  -M, --rate N          fixed-run offered rate, messages/s (default 100)
  -T, --seconds N       fixed-run and 80%-run duration, s (default 10)
      --lead-in N       seconds at each step's rate before it is measured, reported apart
                        (default 2)
  -K, --connections N   idle authenticated sockets (default 10000)
      --samples N       receivers that parse and measure latency (default 20)
      --ramp-start N    first ramp rate, messages/s (default M / 2)
      --ramp-factor F   rate multiplier per ramp step (default 1.4)
      --ramp-steps N    most ramp steps before bisection (default 16)
      --ramp-seconds N  seconds per ramp step (default 5)
      --refine N        bisection steps after the first failure (default 2)
      --confirm N       seconds of the run that confirms the saturation found (default T;
                        0: none); while it fails, again at 0.85 × the rate (6 runs at most)
      --runs-at-80 N    runs at 80% of saturation, judged on their median (default 3)
      --only LIST       scenarios: fanout,ramp,connections,login (default all)
      --targets LIST    servers: baseline,real,real-uncoalesced (default baseline,real)
      --runner R        bundle (esbuild bundle on plain node, default) or tsx (node --import tsx)
      --settle N        seconds to let RSS settle after each connections step (default 45)
      --server-env LIST extra environment for the real server, e.g. SQLITE_SYNCHRONOUS=normal
      --profile DIR     run the servers with --cpu-prof, profiles written to DIR
      --quick           small numbers, under a minute: a smoke run
      --no-docs         do not rewrite docs/benchmarks.md and docs/benchmarks.svg
      --report FILE     only regenerate the docs from a results JSON
  -h, --help
`;

const { values: flags } = parseArgs({
  options: {
    receivers: { type: 'string', short: 'R' },
    senders: { type: 'string', short: 'S' },
    rate: { type: 'string', short: 'M' },
    seconds: { type: 'string', short: 'T' },
    'lead-in': { type: 'string' },
    connections: { type: 'string', short: 'K' },
    samples: { type: 'string' },
    'ramp-start': { type: 'string' },
    'ramp-factor': { type: 'string' },
    'ramp-steps': { type: 'string' },
    'ramp-seconds': { type: 'string' },
    refine: { type: 'string' },
    confirm: { type: 'string' },
    'runs-at-80': { type: 'string' },
    only: { type: 'string' },
    targets: { type: 'string' },
    runner: { type: 'string' },
    profile: { type: 'string' },
    'server-env': { type: 'string' },
    settle: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
    report: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (flags.help) {
  console.log(HELP);
  process.exit(0);
}

const DOCS = join(ROOT, 'docs/benchmarks.md');
const SVG = join(ROOT, 'docs/benchmarks.svg');

function writeReport(result: BenchResult): void {
  writeDocs(DOCS, result);
  writeFileSync(SVG, svgChart(result));
  console.log('\nWrote docs/benchmarks.md and docs/benchmarks.svg');
}

if (flags.report) {
  writeReport(JSON.parse(readFileSync(flags.report, 'utf8')) as BenchResult);
  process.exit(0);
}

const quick = flags.quick === true;
const num = (value: string | undefined, fallback: number, name: string): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number`);
    process.exit(2);
  }
  return n;
};
const receivers = Math.round(num(flags.receivers, quick ? 100 : 1000, 'receivers'));
const senders = Math.round(num(flags.senders, quick ? 4 : 10, 'senders'));
const rate = num(flags.rate, quick ? 50 : 100, 'rate');
const seconds = num(flags.seconds, quick ? 2 : 10, 'seconds');
const connectionCount = Math.round(num(flags.connections, quick ? 500 : 10_000, 'connections'));
const samples = Math.min(receivers, Math.round(num(flags.samples, quick ? 5 : 20, 'samples')));
const rampStart = num(flags['ramp-start'], rate / 2, 'ramp-start');
const rampFactor = num(flags['ramp-factor'], quick ? 2 : 1.4, 'ramp-factor');
const rampSteps = Math.min(30, Math.round(num(flags['ramp-steps'], quick ? 3 : 16, 'ramp-steps')));
const rampSeconds = num(flags['ramp-seconds'], quick ? 1.5 : 5, 'ramp-seconds');
const refine =
  flags.refine === '0' ? 0 : Math.min(6, Math.round(num(flags.refine, quick ? 0 : 2, 'refine')));
const confirmSeconds = flags.confirm === '0' ? 0 : num(flags.confirm, seconds, 'confirm');
const CONFIRM_TRIES = 6;
const runCountAt80 = Math.min(9, Math.round(num(flags['runs-at-80'], quick ? 1 : 3, 'runs-at-80')));
const scenarios = new Set((flags.only ?? 'fanout,ramp,connections,login').split(','));
const targetKeys = (flags.targets ?? 'baseline,real').split(',');
const runner = (flags.runner ?? 'bundle') as Runner;
if (runner !== 'bundle' && runner !== 'tsx') {
  console.error('--runner must be bundle or tsx');
  process.exit(2);
}
const settleSeconds = num(flags.settle, quick ? 1 : 45, 'settle');
const leadInSeconds =
  flags['lead-in'] === '0' ? 0 : num(flags['lead-in'], quick ? 0.5 : 2, 'lead-in');
const CONTENT_LENGTH = 100;
/** Seconds the stall probe spins on each core, before the run and after it. */
const STALL_PROBE_SECONDS = quick ? 1 : 10;
const LOGINS = 20;
const SERVER_CORE = 0;
const GENERATOR_CORE = 1;

const TARGETS: Record<string, { label: string; entry: string; env: Record<string, string> }> = {
  baseline: { label: 'bare Socket.IO', entry: 'bench/baseline-server.ts', env: {} },
  real: { label: 'Chatroom', entry: 'src/server/main.ts', env: {} },
  'real-uncoalesced': {
    label: 'Chatroom, coalescing off',
    entry: 'src/server/main.ts',
    env: { WRITE_COALESCING: '0' },
  },
};
for (const key of targetKeys) {
  if (!TARGETS[key]) {
    console.error(`unknown target ${key}; known: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
}

installExitHooks();
const log = (line: string) => console.log(line);
/** Steps during which other processes used over 0.15 cores are run again (twice at most). */
const steady = { maxContention: 0.15, retries: 2, log };

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg().map((v) => Math.round(v * 100) / 100);
  const cores = availableParallelism();
  const pinned = cores >= 2 && hasTaskset() && pinSelf(GENERATOR_CORE);
  if (loadBefore[0] !== undefined && loadBefore[0] > 1) {
    log(`⚠ load average ${loadBefore.join(' ')}: other work is running, numbers will be noisy`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-bench-'));
  const dbPath = join(dir, 'bench.db');
  const realEnv = {
    DATABASE_URL: dbPath,
    LOG_LEVEL: 'warn',
    RATE_MESSAGES: '0',
    RATE_HTTP_PER_MINUTE: '0',
    RATE_REGISTRATIONS: '0',
    RATE_LOGIN_FAILURES: '0',
    ANNOUNCEMENT_FILE: join(dir, 'announcement.txt'),
    WEB_ROOT: join(ROOT, 'dist/web'),
    BENCH_EVENT_LOOP: '1',
    ...Object.fromEntries(
      (flags['server-env'] ?? '')
        .split(',')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    ),
  };
  const result: BenchResult = {
    startedAt,
    finishedAt: '',
    conditions: {
      node: process.version,
      cpus: cores,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadBefore,
      loadAfter: [],
      pinned,
      serverCore: SERVER_CORE,
      generatorCore: GENERATOR_CORE,
      quick,
      runner:
        runner === 'bundle'
          ? `esbuild ${esbuildVersion()} bundle on plain node`
          : 'node --import tsx',
      options: {
        receivers,
        senders,
        rate,
        seconds,
        leadInSeconds,
        connections: connectionCount,
        samples,
        rampStart,
        rampFactor,
        rampSteps,
        rampSeconds,
        refine,
        confirmSeconds,
        runsAt80: runCountAt80,
        settleSeconds,
        contentLength: CONTENT_LENGTH,
        scenarios: [...scenarios],
      },
    },
    targets: {},
  };

  const probeStalls = async (when: string) => {
    const stalls = await measureStalls(
      [SERVER_CORE, GENERATOR_CORE].slice(0, cores),
      STALL_PROBE_SECONDS,
    );
    log(
      `CPU stalls ${when} (a thread spinning on each core, nothing else running): ${describeStalls(stalls)}`,
    );
    return stalls;
  };

  try {
    result.conditions.stallsBefore = await probeStalls('before the run');
    const userCount = Math.max(receivers + senders, connectionCount, LOGINS);
    log(`Seeding ${userCount} users with sessions into ${dbPath} …`);
    const seedStart = performance.now();
    const users = await seedUsers(dbPath, userCount);
    log(`  done in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const tokens = users.map((u) => u.token);

    const entries = new Map<string, string>();
    for (const key of new Set([...targetKeys, 'real'])) {
      const source = (TARGETS[key] as (typeof TARGETS)[string]).entry;
      entries.set(key, runner === 'bundle' ? await bundle(source) : source);
    }
    const start = (key: string): Promise<Child> => {
      const target = TARGETS[key] as (typeof TARGETS)[string];
      const env = key === 'baseline' ? { BENCH_EVENT_LOOP: '1' } : { ...realEnv, ...target.env };
      return startChild({
        name: target.label,
        entry: entries.get(key) as string,
        env,
        core: pinned ? SERVER_CORE : undefined,
        nodeArgs: flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : [],
      });
    };
    const entry = (key: string): TargetResult => {
      result.targets[key] ??= { label: (TARGETS[key] as { label: string }).label };
      return result.targets[key] as TargetResult;
    };

    if (scenarios.has('fanout') || scenarios.has('ramp')) {
      for (const key of targetKeys) {
        const target = entry(key);
        log(`\n== Fanout: ${target.label} (R=${receivers}, S=${senders}) ==`);
        const server = await start(key);
        const rig = new FanoutRig({
          port: server.port,
          pid: server.pid,
          serverLoop: () => server.ask({ type: 'bench:event-loop', reset: true }),
          receiverTokens: tokens.slice(0, receivers),
          senderTokens: tokens.slice(receivers, receivers + senders),
          sampleReceivers: samples,
          room: 'general',
          contentLength: CONTENT_LENGTH,
          leadInSeconds,
        });
        try {
          await rig.connect();
          await rig.run(Math.min(rate, 20), 1, 0); // warm-up: JIT, SQLite pages
          if (scenarios.has('fanout')) {
            target.fixed = await runSteady(rig, rate, seconds, steady);
            const f = target.fixed;
            log(
              `  fixed ${rate} msg/s: ${formatRate(f.deliveredPerSecond)} delivered/s, lost ${f.lost}, p99 ${f.latency.p99} ms, ack p99 ${f.ack.p99} ms (lead-in ${f.leadIn?.latency.p99} / ${f.leadIn?.ack.p99}; send lag p99 ${f.sendLag.p99}), cpu ${f.serverCpuShare}, gen ${f.generatorCpuShare}, loop p99 server ${f.serverLoop?.p99 ?? '-'} / gen ${f.generatorLoop.p99} ms, others ${f.contention.otherCores}`,
            );
          }
          if (scenarios.has('ramp')) {
            log('  ramp:');
            target.ramp = await ramp(rig, {
              start: rampStart,
              factor: rampFactor,
              maxSteps: rampSteps,
              seconds: rampSeconds,
              refine,
              confirmSeconds,
              confirmTries: CONFIRM_TRIES,
              p99LimitMs: 250,
              tracking: 0.95,
              ...steady,
            });
            const sat = target.ramp.saturationRate;
            log(
              `  saturation: ${sat} msg/s = ${formatRate(target.ramp.saturationDeliveredPerSecond)} deliveries/s (${target.ramp.reason})`,
            );
            target.at80Runs = [];
            for (let run = 0; sat > 0 && run < runCountAt80; run++) {
              const a = await runSteady(rig, sat * 0.8, seconds, steady);
              target.at80Runs.push(a);
              log(
                `  80% (${a.rate} msg/s), run ${run + 1} of ${runCountAt80}: ${formatRate(a.deliveredPerSecond)} delivered/s, lost ${a.lost}, p99 ${a.latency.p99} ms, ack p99 ${a.ack.p99} ms (lead-in ${a.leadIn?.latency.p99} / ${a.leadIn?.ack.p99}; send lag p99 ${a.sendLag.p99}), cpu ${a.serverCpuShare}, gen ${a.generatorCpuShare}, loop p99 server ${a.serverLoop?.p99 ?? '-'} / gen ${a.generatorLoop.p99} ms, others ${a.contention.otherCores}`,
              );
              await sleep(1000);
            }
          }
        } finally {
          await rig.close();
          await server.stop();
        }
        await sleep(500);
      }
    }

    if (scenarios.has('connections')) {
      // Memory does not depend on write coalescing: the uncoalesced variant is skipped here.
      for (const key of targetKeys.filter((k) => k !== 'real-uncoalesced')) {
        const target = entry(key);
        log(`\n== Connections: ${target.label} (K=${connectionCount}) ==`);
        const server = await start(key);
        try {
          target.connections = await connections({
            port: server.port,
            pid: server.pid,
            tokens: tokens.slice(0, connectionCount),
            steps: quick ? 2 : 4,
            settleMs: settleSeconds * 1000,
            probe: () => server.ask({ type: 'bench:event-loop', reset: false }),
            log,
          });
        } finally {
          await server.stop();
        }
        await sleep(500);
      }
    }

    if (scenarios.has('login') && targetKeys.includes('real')) {
      log(`\n== Logins: ${LOGINS} at once (Chatroom) ==`);
      const server = await start('real');
      try {
        result.login = await loginStorm({
          server,
          usernames: users.slice(0, LOGINS).map((u) => u.username),
          password: PASSWORD,
          rounds: quick ? 1 : 5,
          log,
        });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await terminateSharedMeter();
    await stopAllChildren();
    rmSync(dir, { recursive: true, force: true });
  }

  result.conditions.stallsAfter = await probeStalls('after the run');
  result.finishedAt = new Date().toISOString();
  result.conditions.loadAfter = loadavg().map((v) => Math.round(v * 100) / 100);
  printSummary(result);
  const resultsDir = join(ROOT, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${result.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`\nResults: ${file}`);
  if (!flags['no-docs']) writeReport(result);
}

function printSummary(result: BenchResult): void {
  const rows: string[][] = [['', ...Object.values(result.targets).map((t) => t.label)]];
  const row = (name: string, pick: (t: TargetResult) => string | undefined) => {
    const cells = Object.values(result.targets).map((t) => pick(t) ?? '-');
    if (cells.some((c) => c !== '-')) rows.push([name, ...cells]);
  };
  row('fixed-run delivered/s', (t) => t.fixed && formatRate(t.fixed.deliveredPerSecond));
  row(
    'fixed-run p99 / ack p99 ms',
    (t) => t.fixed && `${t.fixed.latency.p99} / ${t.fixed.ack.p99}`,
  );
  row('saturation msg/s', (t) => t.ramp && String(t.ramp.saturationRate));
  row('saturation delivered/s', (t) => t.ramp && formatRate(t.ramp.saturationDeliveredPerSecond));
  const at80 = (t: TargetResult) => (runsAt80(t).length > 0 ? at80Summary(runsAt80(t)) : undefined);
  row('80%: lost', (t) => {
    const a = at80(t);
    return a && String(a.lost);
  });
  row('80%: p99 / ack p99 ms (median)', (t) => {
    const a = at80(t);
    return a && `${a.p99} / ${a.ackP99}`;
  });
  row('connections RSS', (t) => t.connections && formatBytes(t.connections.finalRss));
  row('bytes/connection', (t) => t.connections && formatBytes(t.connections.bytesPerConnection));
  const widths = (rows[0] as string[]).map((_, i) =>
    Math.max(...rows.map((r) => (r[i] ?? '').length)),
  );
  log('\n== Summary ==');
  for (const r of rows) log(r.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
  if (result.login) {
    log(
      `event-loop p99 during ${result.login.concurrency} logins: ${result.login.eventLoopP99} ms`,
    );
  }
  log('\nTargets:');
  for (const v of verdicts(result)) log(`  ${v.ok ? '✓' : '✗'} ${v.target}: ${v.value}`);
}

main().then(
  () => process.exit(0),
  async (error) => {
    console.error('bench failed:', error instanceof Error ? error.stack : error);
    await stopAllChildren();
    process.exit(1);
  },
);
