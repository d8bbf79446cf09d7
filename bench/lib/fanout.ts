import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EventLoopReport } from '../../src/server/shared/event-loop-probe.js';
import { cpuSeconds, machineCpu, memory, resetPeak, runQueueWait, sleep } from './children.js';
import { type Meter, sharedMeter } from './meter.js';
import { openMany, RawClient, tally } from './raw-client.js';
import { type LatencySummary, round } from './stats.js';

/**
 * Fanout: R receivers in one room, S senders emitting `send_message` at a fixed total rate
 * (open loop: message k is due at t0 + k/M whatever happened to the others), then a drain.
 * Most receivers only count frames, on this thread; `sampleReceivers` of them parse each
 * `new_message` and measure send-to-receive latency from the due time embedded in the content.
 * The senders and the samplers run on a thread of their own (bench/lib/meter-worker.ts), so
 * the counting receivers' work does not delay their clocks.
 */

/** The generator's own event-loop monitor, ms. */
const GENERATOR_LOOP_RESOLUTION_MS = 5;

export interface FanoutStep {
  /** Offered messages per second. */
  rate: number;
  /** The measured window, after the lead-in. */
  seconds: number;
  /**
   * The first seconds at the step's rate, sent on the same schedule just before the measured
   * window: the step response (a server going from idle to the rate at once, a JIT warming
   * up, a heap resizing) is measured apart from the steady state. Acks, deliveries and loss
   * count every message, the lead-in's too. (Absent from results before the lead-in.)
   */
  leadIn?: { seconds: number; latency: LatencySummary; ack: LatencySummary };
  receivers: number;
  senders: number;
  /** Messages sent, the lead-in's included. */
  sent: number;
  acked: number;
  /** Acks with success: false (rate limit, validation...). */
  nacked: number;
  /** Acked messages × receivers. */
  expected: number;
  delivered: number;
  /** expected − delivered, never negative. */
  lost: number;
  offeredDeliveriesPerSecond: number;
  /** Deliveries over the time from the first due send to the last delivery. */
  deliveredPerSecond: number;
  latency: LatencySummary;
  ack: LatencySummary;
  serverCpuSeconds: number;
  /** Server CPU seconds per wall second over the same window (1 = one full core). */
  serverCpuShare: number;
  serverPeakRss: number;
  /**
   * The real server's write coalescing during the step: flushes (turns) per second, sockets
   * flushed per turn, and the time one flush (a writev per socket) takes.
   */
  coalescing?: { turnsPerSecond: number; socketsPerTurn: number; flushMsPerTurn: number };
  /** Event-loop delay inside the server during the step (ms), when it exposes the probe. */
  serverLoop?: { p99: number; max: number } | undefined;
  /**
   * Other work on the machine during the step: cores used by every other process, cores stolen
   * by the hypervisor, and the share of time the server's and the generator's event-loop
   * threads waited for a CPU (their own helper threads, e.g. GC, count there too).
   */
  contention: { otherCores: number; steal: number; serverWait: number; generatorWait: number };
  /** Event-loop delay of the load generator (ms): high values mean its clock readings lag. */
  generatorLoop: { p99: number; max: number };
  /** Load generator CPU per wall second: near 1 means the generator, not the server, limits. */
  generatorCpuShare: number;
  /** How far the send schedule fell behind at worst (generator saturation), ms. */
  scheduleLagMs: number;
  /**
   * How late each message left the generator after its due time (ms). Latencies are measured
   * from the due time, so this is the generator's own share of them.
   */
  sendLag: LatencySummary;
  drained: boolean;
  wallSeconds: number;
}

export interface FanoutRigOptions {
  port: number;
  pid: number;
  receiverTokens: readonly (string | undefined)[];
  senderTokens: readonly (string | undefined)[];
  sampleReceivers: number;
  room: string;
  /** Reads (and resets) the server's event-loop delay percentiles. */
  serverLoop?: (() => Promise<EventLoopReport>) | undefined;
  contentLength: number;
  /** Seconds at each step's rate before its measured window (see `FanoutStep.leadIn`). */
  leadInSeconds: number;
}

let runCounter = 0;

type CoalescingCounters = NonNullable<EventLoopReport['coalescing']>;

function coalescingSummary(
  before: CoalescingCounters | undefined,
  after: CoalescingCounters | undefined,
  seconds: number,
): FanoutStep['coalescing'] {
  if (!before || !after || after.turns === before.turns) return undefined;
  const turns = after.turns - before.turns;
  return {
    turnsPerSecond: Math.round(turns / seconds),
    socketsPerTurn: Math.round((after.sockets - before.sockets) / turns),
    flushMsPerTurn: round((after.flushMs - before.flushMs) / turns),
  };
}

export class FanoutRig {
  private receivers: RawClient[] = [];
  private meter: Meter | null = null;
  private samplers = 0;
  private senders = 0;

  constructor(private readonly options: FanoutRigOptions) {}

  async connect(): Promise<void> {
    const { port, receiverTokens, senderTokens, sampleReceivers } = this.options;
    const meter = sharedMeter();
    this.meter = meter;
    // Samplers spread evenly over the receivers' join order: a room is written in join order,
    // and the first receivers to join are the first to get each message.
    const total = receiverTokens.length;
    const samples = Math.min(total, Math.max(0, sampleReceivers));
    const every = samples > 0 ? Math.max(1, Math.floor(total / samples)) : 0;
    let from = 0;
    const openReceivers = async (upTo: number) => {
      const start = from;
      const opened = await openMany(upTo - start, (i) => {
        return new RawClient({ port, token: receiverTokens[start + i] });
      });
      this.receivers.push(...opened);
    };
    for (let s = 0; s < samples; s++) {
      const at = s * every;
      await openReceivers(at);
      await meter.openSampler(port, receiverTokens[at]);
      this.samplers++;
      from = at + 1;
    }
    await openReceivers(total);
    await meter.openSenders(port, [...senderTokens]);
    this.senders = senderTokens.length;
  }

  async close(): Promise<void> {
    for (const client of this.receivers) client.close();
    this.receivers = [];
    await this.meter?.close();
    this.meter = null;
  }

  /** Deliveries counted by every receiver (samplers included) and the last one's time. */
  private async delivered(): Promise<{
    total: number;
    last: number;
    acked: number;
    nacked: number;
    open: number;
  }> {
    const progress = await (this.meter as Meter).progress();
    const here = tally(this.receivers);
    return {
      total: progress.delivered + here.delivered,
      last: Math.max(progress.lastDelivery, here.last),
      acked: progress.acked,
      nacked: progress.nacked,
      open: progress.open + here.open,
    };
  }

  /**
   * One open-loop run at `rate` messages/s: the lead-in, then `seconds` measured, then a drain
   * (bounded). `leadInSeconds` overrides the rig's (0: none, e.g. a warm-up run).
   */
  async run(
    rate: number,
    seconds: number,
    leadInSeconds = this.options.leadInSeconds,
    drainSeconds = 20,
  ): Promise<FanoutStep> {
    const { pid, room, contentLength } = this.options;
    const meter = this.meter;
    if (!meter) throw new Error('not connected');
    const leadIn = Math.round(rate * leadInSeconds);
    const total = leadIn + Math.max(1, Math.round(rate * seconds));
    const step = `r${++runCounter}`;
    for (const client of this.receivers) {
      client.newMessages = 0;
      client.lastNewMessageAt = 0;
    }
    const receivers = this.receivers.length + this.samplers;
    if ((await this.delivered()).open !== receivers + this.senders) {
      throw new Error('some clients are no longer connected');
    }

    resetPeak(pid);
    const coalescingBefore = (await this.options.serverLoop?.().catch(() => undefined))?.coalescing;
    const generatorLoop = monitorEventLoopDelay({ resolution: GENERATOR_LOOP_RESOLUTION_MS });
    generatorLoop.enable();
    const cpuBefore = cpuSeconds(pid);
    const waitBefore = [runQueueWait(pid), runQueueWait(process.pid)];
    const machineBefore = machineCpu();
    const genBefore = process.cpuUsage();
    const wallBefore = performance.now();

    // The schedule runs on the meter's thread; bounded by `total`.
    const sent = await meter.run({ step, rate, total, leadIn, room, contentLength });

    // Drain: every ack back and every delivery counted, or the time bound.
    const drainDeadline = performance.now() + drainSeconds * 1000;
    let progress = await this.delivered();
    let drained = false;
    while (performance.now() < drainDeadline) {
      progress = await this.delivered();
      if (
        progress.acked + progress.nacked >= total &&
        progress.total >= progress.acked * receivers
      ) {
        drained = true;
        break;
      }
      await sleep(10);
    }
    // A last look a little later, so late frames are not counted as lost by a hair.
    if (!drained) {
      await sleep(200);
      progress = await this.delivered();
    }
    const { ack, latency, sendLag, leadInAck, leadInLatency } = await meter.results();
    const delivered = progress.total;
    const wallEnd = performance.now();
    const cpuAfter = cpuSeconds(pid);
    const waitAfter = [runQueueWait(pid), runQueueWait(process.pid)];
    const machineAfter = machineCpu();
    generatorLoop.disable();
    const serverLoop = await this.options.serverLoop?.().catch(() => undefined);
    const coalescingAfter = serverLoop?.coalescing;
    const genCpu = process.cpuUsage(genBefore);
    const wallSeconds = (wallEnd - wallBefore) / 1000;
    const expected = progress.acked * receivers;
    const span = Math.max(progress.last, sent.sendEnd) - sent.t0;
    return {
      rate: round(rate, 1),
      seconds,
      leadIn: { seconds: leadInSeconds, latency: leadInLatency, ack: leadInAck },
      receivers,
      senders: this.senders,
      sent: total,
      acked: progress.acked,
      nacked: progress.nacked,
      expected,
      delivered,
      lost: Math.max(0, expected - delivered),
      offeredDeliveriesPerSecond: Math.round(rate * receivers),
      deliveredPerSecond: Math.round(delivered / (span / 1000)),
      latency,
      ack,
      serverCpuSeconds: round(cpuAfter - cpuBefore),
      serverCpuShare: round((cpuAfter - cpuBefore) / wallSeconds),
      serverPeakRss: memory(pid).peak,
      serverLoop: serverLoop && { p99: serverLoop.p99, max: serverLoop.max },
      coalescing: coalescingSummary(coalescingBefore, coalescingAfter, wallSeconds),
      contention: {
        otherCores: round(
          Math.max(
            0,
            machineAfter.busy -
              machineBefore.busy -
              (cpuAfter - cpuBefore) -
              (genCpu.user + genCpu.system) / 1e6,
          ) / wallSeconds,
        ),
        steal: round((machineAfter.steal - machineBefore.steal) / wallSeconds),
        serverWait: round(
          ((waitAfter[0] as number) - (waitBefore[0] as number)) / 1e9 / wallSeconds,
        ),
        generatorWait: round(
          ((waitAfter[1] as number) - (waitBefore[1] as number)) / 1e9 / wallSeconds,
        ),
      },
      // Node records whole timer intervals: the resolution is taken off (delay only).
      generatorLoop: {
        p99: round(Math.max(0, generatorLoop.percentile(99) / 1e6 - GENERATOR_LOOP_RESOLUTION_MS)),
        max: round(Math.max(0, generatorLoop.max / 1e6 - GENERATOR_LOOP_RESOLUTION_MS)),
      },
      generatorCpuShare: round((genCpu.user + genCpu.system) / 1e6 / wallSeconds),
      scheduleLagMs: sendLag.max,
      sendLag,
      drained,
      wallSeconds: round(wallSeconds),
    };
  }
}

export interface RampOptions {
  start: number;
  factor: number;
  maxSteps: number;
  seconds: number;
  /** Bisection steps between the last passing and the first failing rate. */
  refine: number;
  /**
   * Seconds of the confirmation run at the rate found (0: none). A step of a few seconds can
   * pass at a rate the server cannot hold for longer (one lucky step, or a backlog that only
   * builds up past its end): saturation is a rate held for this long.
   */
  confirmSeconds: number;
  /** Confirmation runs at most: each one that fails retries at `CONFIRM_BACKOFF` × the rate. */
  confirmTries: number;
  p99LimitMs: number;
  /** delivered/s must stay at or above this share of offered deliveries/s. */
  tracking: number;
  /** A step during which other processes used more than this many cores is run again. */
  maxContention: number;
  /** How many times a contended step is run again (bounded). */
  retries: number;
  log: (line: string) => void;
  /** Pause after each step, ms (default 500: sockets drain, the server's loop settles). */
  pauseMs?: number;
}

export interface RampResult {
  steps: FanoutStep[];
  /**
   * Highest offered rate (messages/s) that passed, 0 if none did; with confirmation runs, the
   * highest rate that passed its confirmation run too.
   */
  saturationRate: number;
  /**
   * The confirmation runs in order (absent from results before them): the first at the rate
   * the ramp steps found, each next one at `CONFIRM_BACKOFF` × the last.
   */
  confirmations?: { step: FanoutStep; ok: boolean; why: string }[];
  /** The rate the ramp's steps found before confirmation (absent when no confirmation ran). */
  stepRate?: number;
  /** delivered/s at that rate. */
  saturationDeliveredPerSecond: number;
  /** Highest delivered/s seen on any step (passing or not). */
  peakDeliveredPerSecond: number;
  reason: string;
}

/** One run, repeated (at most `retries` times) while other processes took the CPU. */
export async function runSteady(
  rig: FanoutRig,
  rate: number,
  seconds: number,
  options: Pick<RampOptions, 'maxContention' | 'retries' | 'log'>,
): Promise<FanoutStep> {
  let step = await rig.run(rate, seconds);
  for (let retry = 0; retry < options.retries && contended(step, options.maxContention); retry++) {
    options.log(
      `  ${Math.round(rate)} msg/s: other processes used ${step.contention.otherCores} cores (steal ${step.contention.steal}) meanwhile, again`,
    );
    await sleep(3000);
    step = await rig.run(rate, seconds);
  }
  return step;
}

export function contended(step: FanoutStep, limit: number): boolean {
  return step.contention.otherCores + step.contention.steal > limit;
}

/** Cores of its own the load generator used, from which a run is reported as at its limit. */
export const GENERATOR_LIMIT = 0.9;

/**
 * A failing step whose load generator used (nearly) its whole core while the server did not:
 * the generator, not the server, reached its limit, and the saturation found is a lower bound.
 */
function generatorBound(step: FanoutStep): string {
  return step.generatorCpuShare >= GENERATOR_LIMIT && step.serverCpuShare < GENERATOR_LIMIT
    ? ` (generator-bound: load generator ${step.generatorCpuShare} cores, server ${step.serverCpuShare})`
    : '';
}

export function passes(step: FanoutStep, options: Pick<RampOptions, 'p99LimitMs' | 'tracking'>) {
  if (step.lost > 0 || !step.drained) return { ok: false, why: `loss ${step.lost}` };
  if (step.nacked > 0) {
    return { ok: false, why: `${step.nacked} failed acks${generatorBound(step)}` };
  }
  if (step.deliveredPerSecond < options.tracking * step.offeredDeliveriesPerSecond) {
    return {
      ok: false,
      why: `delivered/s stopped tracking offered load${generatorBound(step)}`,
    };
  }
  if (!(step.latency.p99 <= options.p99LimitMs)) {
    return {
      ok: false,
      why: `p99 ${step.latency.p99} ms > ${options.p99LimitMs} ms${generatorBound(step)}`,
    };
  }
  return { ok: true, why: '' };
}

/** The rate of the next confirmation run after one failed, as a share of the failed one's. */
export const CONFIRM_BACKOFF = 0.85;

/**
 * Raises the rate geometrically until a step fails, then bisects, then confirms the rate found
 * with longer runs (stepping down by `CONFIRM_BACKOFF` while they fail); every loop is bounded.
 */
export async function ramp(rig: FanoutRig, options: RampOptions): Promise<RampResult> {
  const steps: FanoutStep[] = [];
  let good = 0;
  let goodStep: FanoutStep | undefined;
  let bad = 0;
  let reason = 'never failed within the step limit';
  let rate = options.start;
  const runStep = async (r: number) => {
    const step = await runSteady(rig, r, options.seconds, options);
    steps.push(step);
    const verdict = passes(step, options);
    options.log(
      `  ${String(Math.round(r)).padStart(6)} msg/s → ${String(step.deliveredPerSecond).padStart(8)} deliveries/s, p99 ${step.latency.p99} ms, ack p99 ${step.ack.p99} ms (lead-in ${step.leadIn?.latency.p99} / ${step.leadIn?.ack.p99}), cpu ${step.serverCpuShare}, gen ${step.generatorCpuShare}, loop p99 server ${step.serverLoop?.p99 ?? '-'} / gen ${step.generatorLoop.p99} ms, others ${step.contention.otherCores}${step.coalescing ? `, flush ${step.coalescing.turnsPerSecond}/s × ${step.coalescing.flushMsPerTurn} ms` : ''}${verdict.ok ? '' : `  ✗ ${verdict.why}`}`,
    );
    await sleep(options.pauseMs ?? 500);
    return { step, verdict };
  };
  for (let i = 0; i < options.maxSteps; i++) {
    const { step, verdict } = await runStep(rate);
    if (verdict.ok) {
      good = rate;
      goodStep = step;
      rate *= options.factor;
    } else {
      bad = rate;
      reason = verdict.why;
      break;
    }
  }
  for (let i = 0; bad > 0 && i < options.refine; i++) {
    const mid = good > 0 ? (good + bad) / 2 : bad / 2;
    const { step, verdict } = await runStep(mid);
    if (verdict.ok) {
      good = mid;
      goodStep = step;
    } else {
      bad = mid;
      reason = verdict.why;
    }
  }
  const confirmations: NonNullable<RampResult['confirmations']> = [];
  const stepRate = good;
  for (let i = 0; good > 0 && i < options.confirmTries && options.confirmSeconds > 0; i++) {
    const step = await runSteady(rig, good, options.confirmSeconds, options);
    const verdict = passes(step, options);
    confirmations.push({ step, ok: verdict.ok, why: verdict.why });
    options.log(
      `  confirm ${Math.round(good)} msg/s for ${options.confirmSeconds} s: ${step.deliveredPerSecond} deliveries/s, p99 ${step.latency.p99} ms, ack p99 ${step.ack.p99} ms, cpu ${step.serverCpuShare}, gen ${step.generatorCpuShare}${verdict.ok ? '  ✓' : `  ✗ ${verdict.why}`}`,
    );
    await sleep(options.pauseMs ?? 500);
    if (verdict.ok) {
      goodStep = step;
      break;
    }
    reason = `${verdict.why} over ${options.confirmSeconds} s at ${Math.round(good)} msg/s`;
    good = i + 1 < options.confirmTries ? good * CONFIRM_BACKOFF : 0;
    goodStep = undefined;
  }
  return {
    steps,
    ...(confirmations.length > 0 ? { confirmations, stepRate: round(stepRate, 1) } : {}),
    saturationRate: round(good, 1),
    saturationDeliveredPerSecond: goodStep?.deliveredPerSecond ?? 0,
    peakDeliveredPerSecond: Math.max(0, ...steps.map((s) => s.deliveredPerSecond)),
    reason,
  };
}
