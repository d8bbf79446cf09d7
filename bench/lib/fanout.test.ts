import { describe, expect, it } from 'vitest';
import { type FanoutRig, type FanoutStep, type RampOptions, ramp } from './fanout.js';
import { at80Summary, type BenchResult, verdicts } from './report.js';

/** A step as the rig would report it: `holds` says whether the server kept up. */
function step(rate: number, seconds: number, holds: boolean, p99 = 10, ackP99 = 5): FanoutStep {
  const summary = (p: number) => ({ count: 1, p50: p, p95: p, p99: p, max: p });
  const offered = Math.round(rate * 1000);
  return {
    rate,
    seconds,
    receivers: 1000,
    senders: 10,
    sent: rate * seconds,
    acked: rate * seconds,
    nacked: 0,
    expected: rate * seconds * 1000,
    delivered: rate * seconds * 1000,
    lost: 0,
    offeredDeliveriesPerSecond: offered,
    deliveredPerSecond: holds ? offered : Math.round(offered * 0.5),
    latency: summary(p99),
    ack: summary(ackP99),
    serverCpuSeconds: seconds,
    serverCpuShare: 0.9,
    serverPeakRss: 0,
    contention: { otherCores: 0, steal: 0, serverWait: 0, generatorWait: 0 },
    generatorLoop: { p99: 1, max: 1 },
    generatorCpuShare: 0.5,
    scheduleLagMs: 1,
    sendLag: summary(1),
    drained: true,
    wallSeconds: seconds,
  };
}

/** A server that keeps up with `sustained` msg/s for any time, and with `burst` for 5 s. */
function fakeRig(sustained: number, burst: number) {
  const runs: { rate: number; seconds: number }[] = [];
  const rig = {
    async run(rate: number, seconds: number) {
      runs.push({ rate, seconds });
      return step(rate, seconds, rate <= sustained || (seconds <= 5 && rate <= burst));
    },
  };
  return { rig: rig as unknown as FanoutRig, runs };
}

const options: RampOptions = {
  start: 100,
  factor: 2,
  maxSteps: 10,
  seconds: 5,
  refine: 2,
  confirmSeconds: 10,
  confirmTries: 6,
  p99LimitMs: 250,
  tracking: 0.95,
  maxContention: 0.15,
  retries: 0,
  log: () => undefined,
  pauseMs: 0,
};

describe('ramp', () => {
  it('takes as saturation the highest rate its 5 s steps pass when a longer run confirms it', async () => {
    const { rig, runs } = fakeRig(2000, 2000);
    const result = await ramp(rig, options);
    // 100, 200, 400, 800, 1600 pass; 3200 fails; bisection: 2400 fails, 2000 passes.
    expect(result.stepRate).toBe(2000);
    expect(result.saturationRate).toBe(2000);
    expect(result.confirmations?.map((c) => [c.step.rate, c.ok])).toEqual([[2000, true]]);
    expect(runs.at(-1)).toEqual({ rate: 2000, seconds: 10 });
  });

  it('steps down by 0.85 from a rate held for 5 s but not for the confirmation run', async () => {
    const { rig } = fakeRig(1500, 2000);
    const result = await ramp(rig, options);
    expect(result.stepRate).toBe(2000);
    expect(result.confirmations?.map((c) => [c.step.rate, c.ok])).toEqual([
      [2000, false],
      [1700, false],
      [1445, true],
    ]);
    expect(result.saturationRate).toBe(1445);
    expect(result.reason).toMatch(/over 10 s at 1700 msg\/s/);
  });

  it('reports no saturation when no confirmation run holds, after a bounded number of runs', async () => {
    const { rig, runs } = fakeRig(100, 2000);
    const result = await ramp(rig, options);
    expect(result.confirmations).toHaveLength(6);
    expect(result.saturationRate).toBe(0);
    expect(runs.filter((r) => r.seconds === 10)).toHaveLength(6);
  });

  it('runs no confirmation when told not to', async () => {
    const { rig, runs } = fakeRig(1500, 2000);
    const result = await ramp(rig, { ...options, confirmSeconds: 0 });
    expect(result.saturationRate).toBe(2000);
    expect(result.confirmations).toBeUndefined();
    expect(runs.every((r) => r.seconds === 5)).toBe(true);
  });
});

describe('at80Summary', () => {
  it('judges the p99s on the median run and the loss on every run', () => {
    const runs = [
      step(800, 10, true, 40, 12),
      step(800, 10, true, 300, 90),
      step(800, 10, true, 50, 15),
    ];
    runs[1] = { ...(runs[1] as FanoutStep), lost: 7 };
    const summary = at80Summary(runs);
    expect(summary.p99).toBe(50);
    expect(summary.ackP99).toBe(15);
    expect(summary.lost).toBe(7);
    expect(summary.ackP99Each).toBe(' (runs: 12, 90, 15)');
  });

  it('names the runs in which the load generator was at its limit', () => {
    const busy = { ...step(800, 10, true), generatorCpuShare: 0.95 };
    expect(at80Summary([step(800, 10, true), busy]).generatorNote).toMatch(/run 2: 0.95/);
    expect(at80Summary([step(800, 10, true)]).generatorNote).toBe('');
  });
});

describe('verdicts', () => {
  it('fails the saturation ratio, saying why, when the baseline confirmed no saturation', () => {
    const ramp = (deliveredPerSecond: number, reason: string) => ({
      steps: [],
      saturationRate: deliveredPerSecond / 1000,
      saturationDeliveredPerSecond: deliveredPerSecond,
      peakDeliveredPerSecond: deliveredPerSecond,
      reason,
    });
    const result = {
      targets: {
        real: { label: 'Chatroom', ramp: ramp(3_000_000, 'failed acks') },
        baseline: { label: 'bare Socket.IO', ramp: ramp(0, 'p99 435 ms > 250 ms over 10 s') },
      },
    } as unknown as BenchResult;
    const [saturation] = verdicts(result);
    expect(saturation?.ok).toBe(false);
    expect(saturation?.value).toMatch(/no saturation confirmed for the baseline \(p99 435 ms/);
  });
});
