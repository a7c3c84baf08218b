/**
 * `npm run soak`: N identify events with distinct emails through the local server into the embedded sandbox, with
 * injected 5xx, code 66, slow answers, a daily quota that runs out and then recovers (code 122), and access tokens
 * that expire every few seconds. Loopback only; bounded in count and time.
 * Options: --events 5000  --max-seconds 300  --seed 42
 *   --slow: slow Pardot instead: 2% of answers come after 11 s, past the request timeout (10 s), nothing else injected,
 *           1,000 events unless --events says otherwise. A request that timed out must keep its slot until Pardot
 *           answers, so the sandbox still never sees more than 5 at once.
 */
import { startLocalServer } from '../src/server/app'
import type { DeliveryReport, EventOutcome } from '../src/server/deliver'
import { SANDBOX_DEFAULTS } from '../src/sandbox'

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

const SLOW = process.argv.includes('--slow')
/** Slower than actions-core's request timeout (10 s), so every slow answer comes after the request timed out. */
const SLOW_MS = 11_000
const EVENTS = option('events', SLOW ? 1000 : 5000)
const MAX_SECONDS = option('max-seconds', 300)
const SEED = option('seed', 42)
const POST_SIZE = 100
const PARALLEL_POSTS = 10
const CLIENT_ROUNDS = 5

async function main() {
  const quotaAt = SLOW ? Number.MAX_SAFE_INTEGER : Math.floor(EVENTS * 0.3)
  const local = await startLocalServer({
    port: 0,
    sandbox: SLOW
      ? { latencyMs: 2, faults: { rateSlow: 0.02, slowMs: SLOW_MS, seed: SEED } }
      : {
          tokenTtlMs: 3000,
          latencyMs: 2,
          dailyQuota: quotaAt,
          faults: { rate5xx: 0.05, rate66: 0.05, rateSlow: 0.02, slowMs: 800, seed: SEED }
        }
  })
  const sandbox = local.sandbox
  if (!sandbox) throw new Error('The soak needs the embedded sandbox.')
  const deadline = Date.now() + MAX_SECONDS * 1000
  let quotaRecovered = false
  const started = Date.now()
  // The quota "resets" a few seconds after it runs out, as Pardot's does at the account's midnight.
  const watch = setInterval(() => {
    const used = sandbox.state.dailyCalls.get(SANDBOX_DEFAULTS.businessUnitId) ?? 0
    if (!quotaRecovered && used > quotaAt) {
      quotaRecovered = true
      setTimeout(() => sandbox.configure({ dailyQuota: Number.MAX_SAFE_INTEGER }), 3000)
    }
  }, 50)

  const emails = Array.from({ length: EVENTS }, (_, i) => `soak${i}@example.com`)
  let pending = emails.map((_, i) => i)
  let serverRetries = 0
  let clientResends = 0
  let rounds = 0
  // Across every round: an event refused for good in round 1 is not sent again, so it must still count.
  const finalFailures: { index: number; error?: EventOutcome['error'] }[] = []
  for (let round = 0; round < CLIENT_ROUNDS && pending.length > 0 && Date.now() < deadline; round++) {
    if (round > 0) clientResends += pending.length
    rounds = round + 1
    const posts: number[][] = []
    for (let i = 0; i < pending.length; i += POST_SIZE) posts.push(pending.slice(i, i + POST_SIZE))
    const retryable: number[] = []
    const worker = async () => {
      for (let post = posts.shift(); post && Date.now() < deadline; post = posts.shift()) {
        const res = await fetch(`${local.url}/prospects`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            payload: post.map((i) => ({
              type: 'identify',
              userId: `u${i}`,
              traits: { email: emails[i], first_name: 'Soak' }
            }))
          })
        })
        const report = (await res.json()) as DeliveryReport
        serverRetries += report.retries
        ;(report.events ?? []).forEach((outcome, k) => {
          if (outcome.ok) return
          if (outcome.error?.retryable) retryable.push(post[k])
          else finalFailures.push({ index: post[k], error: outcome.error })
        })
      }
    }
    await Promise.all(Array.from({ length: PARALLEL_POSTS }, worker))
    pending = retryable
  }
  clearInterval(watch)
  const seconds = (Date.now() - started) / 1000

  const stats = sandbox.stats()
  const stored = sandbox.prospects(SANDBOX_DEFAULTS.businessUnitId)
  const storedEmails = new Set(stored.map((p) => p.email))
  const delivered = emails.filter((e) => storedEmails.has(e)).length
  const duplicates = stored.length - storedEmails.size
  // Counted as requests arrive, those the sandbox turns away included: the peak of what the server sent.
  const maxArrived = stats.maxInFlightArrived[SANDBOX_DEFAULTS.businessUnitId] ?? 0
  const maxAdmitted = stats.maxInFlightAdmitted[SANDBOX_DEFAULTS.businessUnitId] ?? 0
  const own66 = (stats.answers['66'] ?? 0) - stats.injected['66']
  await local.close()

  const targets = {
    delivered: delivered === EVENTS,
    final: finalFailures.length === 0,
    duplicates: duplicates === 0,
    inFlight: maxArrived <= 5,
    own66: own66 === 0
  }
  const against = (met: boolean, target: string) => `(target ${target}: ${met ? 'met' : 'MISSED'})`
  const lines: [string, string | number][] = [
    ['events sent', EVENTS],
    ['delivered', `${delivered} (${((100 * delivered) / EVENTS).toFixed(2)}%) ${against(targets.delivered, '100%')}`],
    ['retried inside the server', serverRetries],
    ['client rounds needed', `${rounds} of at most ${CLIENT_ROUNDS}`],
    ['re-sent by the client (reported retryable)', clientResends],
    ['still retryable after all rounds', pending.length],
    ['failed final (all rounds)', `${finalFailures.length} ${against(targets.final, '0')}`],
    ['duplicates created', `${duplicates} ${against(targets.duplicates, '0')}`],
    [
      'max in flight arriving at the sandbox / let through',
      `${maxArrived} / ${maxAdmitted} ${against(targets.inFlight, '≤ 5 arriving')}`
    ],
    [
      'code 66 answers injected / caused by the server',
      `${stats.injected['66']} / ${own66} ${against(targets.own66, '0 caused')}`
    ],
    ['5xx injected, slow answers injected', `${stats.injected['5xx']}, ${stats.injected.slow}`],
    ['code 122 answers (quota ran out, then recovered)', stats.answers['122'] ?? 0],
    [
      'code 184 answers (token expired) / token refreshes',
      `${stats.answers['184'] ?? 0} / ${stats.calls['POST /services/oauth2/token'] ?? 0}`
    ],
    ['API calls', stats.totalApiCalls],
    ['wall time (s)', seconds.toFixed(1)]
  ]
  const scenario = SLOW ? `, slow Pardot (2% of answers after ${SLOW_MS / 1000} s; request timeout 10 s)` : ''
  console.log(`Soak: ${EVENTS} events, seed ${SEED}${scenario}`)
  for (const [name, value] of lines) console.log(`  ${name.padEnd(52)} ${value}`)
  for (const failure of finalFailures.slice(0, 5)) console.log(`  final failure: ${failure.error?.message ?? ''}`)
  const met = Object.values(targets).every(Boolean)
  console.log(met ? 'Targets met.' : 'TARGETS MISSED.')
  process.exit(met ? 0 : 1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
