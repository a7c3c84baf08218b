/**
 * Bulk delivery benchmark: identify events through the local server into the embedded sandbox, one upsert per
 * event (batching off) against Import API batches (batching on), side by side in one run. Events carry either every
 * trait ("even") or each optional trait 70% of the time ("uneven"). A blank cell leaves its field as it is (the
 * import's field options), so uneven events share one file and cost no more calls than even ones. Every call counts:
 * the import creates and the polls and errors downloads that follow each import to its end.
 */
import { startLocalServer, type LocalServer } from '../../src/server/app'
import type { DeliveryReport } from '../../src/server/deliver'

const POST_CHUNK = 500
const PARALLEL_POSTS = 5

/** Whether event `i` carries optional trait `t`: 70% of the time, the same in every run. */
function present(i: number, t: number): boolean {
  let x = (Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(t + 1, 0x85ebca6b)) >>> 0
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0
  return ((x ^ (x >>> 12)) >>> 0) % 100 < 70
}

function events(n: number, offset: number, uneven: boolean) {
  return Array.from({ length: n }, (_, k) => {
    const i = offset + k
    const optional: [string, unknown][] = [
      ['first_name', 'Ann'],
      ['last_name', `Lee ${i}`],
      ['company', 'Acme, Inc.'],
      ['title', 'Engineer'],
      ['address', { city: 'Austin', state: 'TX', postal_code: '78701', country: 'US' }]
    ]
    const traits = Object.fromEntries(optional.filter((_, t) => !uneven || present(i, t)))
    return { type: 'identify', userId: `user-${i}`, traits: { email: `user${i}@example.com`, ...traits } }
  })
}

async function post(local: LocalServer, body: unknown): Promise<DeliveryReport> {
  const res = await fetch(`${local.url}/prospects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return (await res.json()) as DeliveryReport
}

export interface DeliveryRun {
  events: number
  batching: boolean
  uneven: boolean
  apiCalls: number
  /** Import creates (one per file), and the polls and errors downloads that follow the imports. */
  creates: number
  followUps: number
  /** CSV megabytes (10^6 bytes, as Pardot's limit is read) uploaded to the Import API (0 with batching off). */
  csvMegabytes: number
  seconds: number
  delivered: number
  failed: number
}

/** Sends `n` events in POSTs of `chunk`, at most PARALLEL_POSTS at once, and reads the sandbox's counters. */
export async function deliveryRun(
  local: LocalServer,
  n: number,
  batching: boolean,
  batchSize: number,
  uneven = false
): Promise<DeliveryRun> {
  const sandbox = local.sandbox
  if (!sandbox) throw new Error('The delivery benchmark needs the embedded sandbox.')
  sandbox.state.reset()
  const chunk = batching ? batchSize : POST_CHUNK
  const starts = Array.from({ length: Math.ceil(n / chunk) }, (_, i) => i * chunk)
  let failed = 0
  const began = process.hrtime.bigint()
  const worker = async () => {
    for (let start = starts.shift(); start !== undefined; start = starts.shift()) {
      const report = await post(local, {
        payload: events(Math.min(chunk, n - start), start, uneven),
        mapping: batching ? { enable_batching: true, batch_size: batchSize } : { enable_batching: false },
        useDefaultMappings: true
      })
      failed += (report.events ?? [report]).filter((e) => !e.ok).length
    }
  }
  await Promise.all(Array.from({ length: PARALLEL_POSTS }, worker))
  const seconds = Number(process.hrtime.bigint() - began) / 1e9
  const { calls } = sandbox.stats()
  return {
    events: n,
    batching,
    uneven,
    apiCalls: sandbox.stats().totalApiCalls,
    creates: calls['POST /api/v5/imports'] ?? 0,
    followUps: (calls['GET /api/v5/imports/:id'] ?? 0) + (calls['GET /api/v5/imports/:id/errors'] ?? 0),
    csvMegabytes: sandbox.stats().importedBytes / 1e6,
    seconds,
    delivered: sandbox.prospects().length,
    failed
  }
}

export async function withLocalServer<T>(work: (local: LocalServer) => Promise<T>): Promise<T> {
  // Imports take 20 ms in the sandbox: the polls (counted) still follow each one with the default Import Wait.
  const local = await startLocalServer({ port: 0, sandbox: { dailyQuota: 100_000_000, importDelayMs: 20 } })
  try {
    return await work(local)
  } finally {
    await local.close()
  }
}
