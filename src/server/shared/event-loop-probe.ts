import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** What the probe reports: event-loop delay percentiles in milliseconds since the last reset. */
export interface EventLoopReport {
  type: 'bench:event-loop';
  count: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
  /** process.memoryUsage() at the time of the report, bytes. */
  memory?: { rss: number; heapTotal: number; heapUsed: number; external: number };
  /** Write coalescing counters since start, when the server has it on. */
  coalescing?: { turns: number; sockets: number; flushMs: number };
}

export const EVENT_LOOP_MESSAGE = 'bench:event-loop';

/**
 * Percentiles of a `monitorEventLoopDelay` histogram in milliseconds of delay. Node records
 * the whole interval between two of its timer's runs (an idle loop at 10 ms resolution reads
 * p50 10.1 ms), so the resolution is taken off: what is left is how late the timer ran.
 */
export function eventLoopReport(
  histogram: IntervalHistogram,
  resolutionMs: number,
): EventLoopReport {
  const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4 - resolutionMs * 100) / 100);
  return {
    type: EVENT_LOOP_MESSAGE,
    count: histogram.count,
    mean: ms(Number.isNaN(histogram.mean) ? 0 : histogram.mean),
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
  };
}

/**
 * Opt-in measurement for the benchmark (BENCH_EVENT_LOOP=1): samples the event-loop delay and
 * answers `{ type: 'bench:event-loop', reset? }` messages on the IPC channel with the
 * percentiles since the last reset, the process's memory usage and whatever `extra` adds.
 * Does nothing without an IPC channel.
 */
export function startEventLoopProbe(
  extra?: () => Record<string, unknown>,
  resolutionMs = 10,
): IntervalHistogram | undefined {
  if (typeof process.send !== 'function') return undefined;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  process.on('message', (message: unknown) => {
    const request = message as { type?: unknown; reset?: unknown } | null;
    if (request?.type !== EVENT_LOOP_MESSAGE) return;
    const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
    const report = {
      ...eventLoopReport(histogram, resolutionMs),
      memory: { rss, heapTotal, heapUsed, external },
      ...extra?.(),
    };
    if (request.reset === true) histogram.reset();
    process.send?.(report);
  });
  // The channel must not keep a stopping server alive.
  process.channel?.unref();
  return histogram;
}
