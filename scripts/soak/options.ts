/** The soak's flags (`npm run soak -- --help`), and what the other soak files share. */
import type { LocalServer } from '../../src/server/app'
import { parseNumber } from '../../src/cli-flags'
import { scriptOptions } from '../flags'

const USAGE = `npm run soak [-- flags]: events through the local server into a faulty embedded sandbox; exits 1 when a target is missed.
  --events 5000      events sent (1,000 with --slow)
  --max-seconds 300  stop sending after this long
  --seed 42          the seed of the injected faults
  --slow             slow Pardot instead: 2% of answers come after 11 s, past the request timeout (10 s), nothing else
                     injected. A request that timed out must keep its slot until Pardot answers, so the sandbox still
                     never sees more than 5 at once.
  --batch            events go as batches through the Import API (asynchronous imports, followed to their end)
  --row-errors 0.02  that share of events carries a value Pardot refuses (a job title over 255 characters)`

export interface SoakOptions {
  slow: boolean
  batch: boolean
  events: number
  maxSeconds: number
  seed: number
  rowErrors: number
}

const FLAGS = {
  events: { type: 'string' },
  'max-seconds': { type: 'string' },
  seed: { type: 'string' },
  slow: { type: 'boolean' },
  batch: { type: 'boolean' },
  'row-errors': { type: 'string' }
} as const

export const options = (): SoakOptions =>
  scriptOptions(FLAGS, USAGE, (flags) => {
    const slow = flags.slow ?? false
    return {
      slow,
      batch: flags.batch ?? false,
      events: parseNumber('--events', flags.events ?? (slow ? '1000' : '5000'), { integer: true, min: 1 }),
      maxSeconds: parseNumber('--max-seconds', flags['max-seconds'] ?? '300', { aboveMin: true }),
      seed: parseNumber('--seed', flags.seed ?? '42', { integer: true }),
      rowErrors: parseNumber('--row-errors', flags['row-errors'] ?? '0', { max: 1 })
    }
  })

/** Slower than actions-core's request timeout (10 s), so every slow answer comes after the request timed out. */
export const SLOW_MS = 11_000

export type Sandbox = NonNullable<LocalServer['sandbox']>

/** Whether event `i` carries a value Pardot refuses: a fixed share of events, the same in every run. */
export const refusable = (i: number, o: SoakOptions) => ((i * 7919) % 10_000) / 10_000 < o.rowErrors

/** The daily quota, run out mid-soak (code 122). A batch makes about 1 call per 20 events, so its quota is lower. */
export const quotaOf = (o: SoakOptions) =>
  o.slow ? Number.MAX_SAFE_INTEGER : o.batch ? Math.floor(o.events * 0.02) : Math.floor(o.events * 0.3)
