/**
 * Benchmark helpers. A benchmark prints one JSON line per figure with the baseline it was
 * measured against in the same run, so numbers compare on whatever machine runs them.
 */
export interface Figure {
  bench: string
  metric: string
  value: number
  unit: string
  baseline?: { metric: string; value: number; unit: string }
  /** ratio value/baseline (or as the goal defines it) */
  ratio?: number
  goal?: string
  pass?: boolean
  [extra: string]: unknown
}

export function report(figure: Figure): void {
  process.stdout.write(JSON.stringify(figure) + '\n')
}

/** Time an async function: milliseconds of wall time. */
export async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - t0) / 1e6
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  return sorted[Math.max(0, i)]!
}

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
