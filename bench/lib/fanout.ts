import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EventLoopReport } from '../../src/server/shared/event-loop-probe.js';
import { cpuSeconds, machineCpu, memory, resetPeak, runQueueWait, sleep } from './children.js';
import { openMany, RawClient } from './raw-client.js';
import { type LatencySummary, round, Samples } from './stats.js';

/**
 * Fanout: R receivers in one room, S senders emitting `send_message` at a fixed total rate
 * (open loop: message k is due at t0 + k/M whatever happened to the others), then a drain.
 * Most receivers only count frames; `sampleReceivers` of them parse each `new_message` and
 * measure send-to-receive latency from the due time embedded in the content.
 */

export interface FanoutStep {
  /** Offered messages per second. */
  rate: number;
  seconds: number;
  receivers: number;
  senders: number;
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
  private senders: RawClient[] = [];
  /** Current step: due times of message k (ms, performance.now clock). */
  private due: Float64Array = new Float64Array(0);
  private acked = 0;
  private nacked = 0;
  private ackSamples = new Samples();
  private latencySamples = new Samples();
  private step = '';
  private lastDelivery = 0;

  constructor(private readonly options: FanoutRigOptions) {}

  async connect(): Promise<void> {
    const { port, receiverTokens, senderTokens, sampleReceivers } = this.options;
    // Samplers spread evenly over the receivers: a room is flushed in join order, and the
    // first receivers to join are the first to get each message.
    const every = Math.max(1, Math.floor(receiverTokens.length / Math.max(1, sampleReceivers)));
    this.receivers = await openMany(receiverTokens.length, (i) => {
      const sampling = i % every === 0 && i / every < sampleReceivers;
      return new RawClient({
        port,
        token: receiverTokens[i],
        onNewMessage: sampling ? (text, at) => this.onSample(text, at) : undefined,
      });
    });
    this.senders = await openMany(senderTokens.length, (i) => {
      return new RawClient({
        port,
        token: senderTokens[i],
        onAck: (text, at) => this.onAck(text, at),
      });
    });
  }

  close(): void {
    for (const client of [...this.receivers, ...this.senders]) client.close();
    this.receivers = [];
    this.senders = [];
  }

  private onSample(text: string, at: number): void {
    // 42["new_message",{..."content":"<step>|<due ms>|..."}]
    const parsed = JSON.parse(text.slice(2)) as [string, { content?: string }];
    const parts = (parsed[1]?.content ?? '').split('|');
    if (parts[0] !== this.step) return;
    this.latencySamples.add(at - Number(parts[1]));
  }

  private onAck(text: string, at: number): void {
    // 43<id>[{"success":true,...}]
    const bracket = text.indexOf('[');
    const id = Number(text.slice(2, bracket));
    if (!Number.isInteger(id) || id >= this.due.length) return;
    if (text.startsWith('{"success":true', bracket + 1)) this.acked++;
    else this.nacked++;
    this.ackSamples.add(at - (this.due[id] as number));
  }

  private deliveredCount(): number {
    let total = 0;
    let last = 0;
    for (const client of this.receivers) {
      total += client.newMessages;
      if (client.lastNewMessageAt > last) last = client.lastNewMessageAt;
    }
    this.lastDelivery = last;
    return total;
  }

  private openReceivers(): number {
    let open = 0;
    for (const client of [...this.receivers, ...this.senders]) if (client.state === 'open') open++;
    return open;
  }

  /** One open-loop run at `rate` messages/s for `seconds`, then a drain (bounded). */
  async run(rate: number, seconds: number, drainSeconds = 20): Promise<FanoutStep> {
    const { pid, room, contentLength } = this.options;
    const total = Math.max(1, Math.round(rate * seconds));
    this.step = `r${++runCounter}`;
    this.due = new Float64Array(total);
    this.acked = 0;
    this.nacked = 0;
    this.ackSamples = new Samples();
    this.latencySamples = new Samples();
    for (const client of this.receivers) {
      client.newMessages = 0;
      client.lastNewMessageAt = 0;
    }
    const senders = this.senders;
    if (this.openReceivers() !== this.receivers.length + senders.length) {
      throw new Error('some clients are no longer connected');
    }

    resetPeak(pid);
    const coalescingBefore = (await this.options.serverLoop?.().catch(() => undefined))?.coalescing;
    const generatorLoop = monitorEventLoopDelay({ resolution: 5 });
    generatorLoop.enable();
    const cpuBefore = cpuSeconds(pid);
    const waitBefore = [runQueueWait(pid), runQueueWait(process.pid)];
    const machineBefore = machineCpu();
    const genBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const interval = 1000 / rate;
    const t0 = performance.now() + 50;
    let next = 0;
    let maxLag = 0;
    const filler = 'x'.repeat(contentLength);

    // The schedule: each tick sends every message that is due. Bounded by `total`.
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        while (next < total) {
          const due = t0 + next * interval;
          if (due > now) break;
          if (now - due > maxLag) maxLag = now - due;
          this.due[next] = due;
          const head = `${this.step}|${due.toFixed(3)}|${next}|`;
          const content = head + filler.slice(0, Math.max(0, contentLength - head.length));
          const sender = senders[next % senders.length] as RawClient;
          sender.sendText(
            `42${next}["send_message",{"content":"${content}","room":"${room}","client_id":"${this.step}-${next}"}]`,
          );
          next++;
        }
        if (next >= total) done();
        else setTimeout(tick, Math.max(0, Math.min(1, t0 + next * interval - performance.now())));
      };
      setTimeout(tick, 50);
    });
    const sendEnd = performance.now();

    // Drain: every ack back and every delivery counted, or the time bound.
    const receivers = this.receivers.length;
    const drainDeadline = performance.now() + drainSeconds * 1000;
    let delivered = this.deliveredCount();
    let drained = false;
    while (performance.now() < drainDeadline) {
      delivered = this.deliveredCount();
      if (this.acked + this.nacked >= total && delivered >= this.acked * receivers) {
        drained = true;
        break;
      }
      await sleep(10);
    }
    // A last look a little later, so late frames are not counted as lost by a hair.
    if (!drained) {
      await sleep(200);
      delivered = this.deliveredCount();
    }
    const wallEnd = performance.now();
    const cpuAfter = cpuSeconds(pid);
    const waitAfter = [runQueueWait(pid), runQueueWait(process.pid)];
    const machineAfter = machineCpu();
    generatorLoop.disable();
    const serverLoop = await this.options.serverLoop?.().catch(() => undefined);
    const coalescingAfter = serverLoop?.coalescing;
    const genCpu = process.cpuUsage(genBefore);
    const wallSeconds = (wallEnd - wallBefore) / 1000;
    const expected = this.acked * receivers;
    const span = Math.max(this.lastDelivery, sendEnd) - t0;
    return {
      rate: round(rate, 1),
      seconds,
      receivers,
      senders: senders.length,
      sent: total,
      acked: this.acked,
      nacked: this.nacked,
      expected,
      delivered,
      lost: Math.max(0, expected - delivered),
      offeredDeliveriesPerSecond: Math.round(rate * receivers),
      deliveredPerSecond: Math.round(delivered / (span / 1000)),
      latency: this.latencySamples.summary(),
      ack: this.ackSamples.summary(),
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
      generatorLoop: {
        p99: round(generatorLoop.percentile(99) / 1e6),
        max: round(generatorLoop.max / 1e6),
      },
      generatorCpuShare: round((genCpu.user + genCpu.system) / 1e6 / wallSeconds),
      scheduleLagMs: round(maxLag),
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
  p99LimitMs: number;
  /** delivered/s must stay at or above this share of offered deliveries/s. */
  tracking: number;
  /** A step during which other processes used more than this many cores is run again. */
  maxContention: number;
  /** How many times a contended step is run again (bounded). */
  retries: number;
  log: (line: string) => void;
}

export interface RampResult {
  steps: FanoutStep[];
  /** Highest offered rate (messages/s) that passed, 0 if none did. */
  saturationRate: number;
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

export function passes(step: FanoutStep, options: Pick<RampOptions, 'p99LimitMs' | 'tracking'>) {
  if (step.lost > 0 || !step.drained) return { ok: false, why: `loss ${step.lost}` };
  if (step.nacked > 0) return { ok: false, why: `${step.nacked} failed acks` };
  if (step.deliveredPerSecond < options.tracking * step.offeredDeliveriesPerSecond) {
    return { ok: false, why: 'delivered/s stopped tracking offered load' };
  }
  if (!(step.latency.p99 <= options.p99LimitMs)) {
    return { ok: false, why: `p99 ${step.latency.p99} ms > ${options.p99LimitMs} ms` };
  }
  return { ok: true, why: '' };
}

/** Raises the rate geometrically until a step fails, then bisects; every loop is bounded. */
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
      `  ${String(Math.round(r)).padStart(6)} msg/s → ${String(step.deliveredPerSecond).padStart(8)} deliveries/s, p99 ${step.latency.p99} ms, ack p99 ${step.ack.p99} ms, cpu ${step.serverCpuShare}, gen ${step.generatorCpuShare}, loop p99 server ${step.serverLoop?.p99 ?? '-'} / gen ${step.generatorLoop.p99} ms, others ${step.contention.otherCores}${step.coalescing ? `, flush ${step.coalescing.turnsPerSecond}/s × ${step.coalescing.flushMsPerTurn} ms` : ''}${verdict.ok ? '' : `  ✗ ${verdict.why}`}`,
    );
    await sleep(500);
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
  return {
    steps,
    saturationRate: round(good, 1),
    saturationDeliveredPerSecond: goodStep?.deliveredPerSecond ?? 0,
    peakDeliveredPerSecond: Math.max(0, ...steps.map((s) => s.deliveredPerSecond)),
    reason,
  };
}
