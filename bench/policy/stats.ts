/** Latency summary of one measured series, in microseconds; percentiles are exact (sorted samples). */
export interface LatencySummary {
  samples: number;
  meanUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
}

/** Summarises per-call durations in nanoseconds. Sorts a copy, so the caller's order is kept. */
export function summarise(durationsNs: Float64Array): LatencySummary {
  const sorted = Float64Array.from(durationsNs).sort();
  const n = sorted.length;
  if (n === 0) throw new Error('no samples to summarise');
  let total = 0;
  for (const value of sorted) total += value;
  // Nearest-rank percentile: the smallest sample with at least p of the samples at or below it.
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] ?? Number.NaN;
  return {
    samples: n,
    meanUs: us(total / n),
    p50Us: us(at(0.5)),
    p90Us: us(at(0.9)),
    p99Us: us(at(0.99)),
    p999Us: us(at(0.999)),
    maxUs: us(sorted[n - 1] ?? Number.NaN),
  };
}

/** Splits samples by the label of the input that produced each, and summarises each group. */
export function summariseByLabel(
  durationsNs: Float64Array,
  labelIndex: Uint8Array,
  labels: readonly string[],
): Record<string, LatencySummary> {
  const out: Record<string, LatencySummary> = {};
  labels.forEach((label, index) => {
    const picked = durationsNs.filter((_, i) => labelIndex[i] === index);
    if (picked.length > 0) out[label] = summarise(picked);
  });
  return out;
}

export function percentGrowth(before: number, after: number): number {
  return round(((after - before) / before) * 100, 2);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function us(ns: number): number {
  return round(ns / 1000, 2);
}
