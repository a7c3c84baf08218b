import type { FaultOptions } from './options'

/** A small seeded PRNG (mulberry32), so a fault-injection run can be repeated exactly. */
export function dice(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type Fault = '5xx' | '66' | 'slow' | undefined

export function rollFault(roll: () => number, faults: FaultOptions): Fault {
  const r = roll()
  const p5xx = faults.rate5xx ?? 0
  const p66 = faults.rate66 ?? 0
  const pSlow = faults.rateSlow ?? 0
  if (r < p5xx) return '5xx'
  if (r < p5xx + p66) return '66'
  if (r < p5xx + p66 + pSlow) return 'slow'
  return undefined
}
