/** Latency samples (ms) and their percentiles. */
export class Samples {
  private values: number[] = [];
  private sorted = true;

  add(value: number): void {
    this.values.push(value);
    this.sorted = false;
  }

  get count(): number {
    return this.values.length;
  }

  percentile(p: number): number {
    if (this.values.length === 0) return Number.NaN;
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    const rank = Math.ceil((p / 100) * this.values.length) - 1;
    return this.values[Math.min(this.values.length - 1, Math.max(0, rank))] as number;
  }

  max(): number {
    return this.percentile(100);
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: round(this.percentile(50)),
      p95: round(this.percentile(95)),
      p99: round(this.percentile(99)),
      max: round(this.max()),
    };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 1e6) return `${round(value / 1e6, 2)}M`;
  if (value >= 1e4) return `${round(value / 1e3, 0)}k`;
  if (value >= 1e3) return `${round(value / 1e3, 1)}k`;
  return String(round(value, 0));
}

export function formatBytes(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 1024 * 1024) return `${round(value / 1024 / 1024, 1)} MB`;
  if (Math.abs(value) >= 1024) return `${round(value / 1024, 1)} KB`;
  return `${Math.round(value)} B`;
}
