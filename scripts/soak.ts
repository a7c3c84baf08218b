/**
 * `npm run soak`: N identify events with distinct emails through the local server into the embedded sandbox, with
 * injected 5xx, code 66, slow answers, a daily quota that runs out and then recovers (code 122), and access tokens
 * that expire every few seconds. Loopback only; bounded in count and time.
 * Options: --events 5000  --max-seconds 300  --seed 42
 *   --slow: slow Pardot instead: 2% of answers come after 11 s, past the request timeout (10 s), nothing else injected,
 *           1,000 events unless --events says otherwise. A request that timed out must keep its slot until Pardot
 *           answers, so the sandbox still never sees more than 5 at once.
 *   --batch            events go as batches through the Import API (asynchronous imports, followed to their end)
 *   --row-errors 0.02  that share of events carries a value Pardot refuses (a job title over 255 characters)
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
const BATCH = process.argv.includes('--batch')
const ROW_ERRORS = option('row-errors', 0)
/** Whether event `i` carries a value Pardot refuses: a fixed share of events, the same in every run. */
const refusable = (i: number) => ((i * 7919) % 10_000) / 10_000 < ROW_ERRORS

async function main() {
  // A batch makes about 1 call per 20 events, so its quota is lower: it must run out mid-soak there too (code 122).
  const quotaAt = SLOW ? Number.MAX_SAFE_INTEGER : BATCH ? Math.floor(EVENTS * 0.02) : Math.floor(EVENTS * 0.3)
  const local = await startLocalServer({
    port: 0,
    sandbox: SLOW
      ? { latencyMs: 2, faults: { rateSlow: 0.02, slowMs: SLOW_MS, seed: SEED } }
      : {
          tokenTtlMs: 3000,
          latencyMs: 2,
          dailyQuota: quotaAt,
          // Imports take a little while, and some end Failed, as Pardot's can.
          importDelayMs: 100,
          faults: { rate5xx: 0.05, rate66: 0.05, rateSlow: 0.02, slowMs: 800, seed: SEED, rateImportFailed: 0.05 }
        },
    importFollow: { intervalMs: 200, maxIntervalMs: 1000, maxMs: 60_000 }
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
  /** Events answered ok, and those of them accepted with their import's outcome pending. */
  const accepted = new Set<number>()
  let acceptedPending = 0
  const resentImports = new Set<number>()
  // Imports the batches left pending are still being followed: their outcomes count too.
  const followedToTheEnd = async () => {
    while (local.imports.list().counts.pending > 0 && Date.now() < deadline + 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
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
              traits: { email: emails[i], first_name: 'Soak', ...(refusable(i) ? { title: 'x'.repeat(300) } : {}) }
            })),
            // A short Import Wait, so some imports are still running when the batch answers: the server follows them.
            ...(BATCH ? { mapping: { enable_batching: true, batch_size: POST_SIZE, import_wait_seconds: 1 } } : {}),
            useDefaultMappings: true
          })
        })
        const report = (await res.json()) as DeliveryReport
        serverRetries += report.retries
        ;(report.events ?? []).forEach((outcome, k) => {
          if (outcome.ok) {
            accepted.add(post[k])
            if (outcome.pending) acceptedPending++
            return
          }
          if (outcome.error?.retryable) retryable.push(post[k])
          else finalFailures.push({ index: post[k], error: outcome.error })
        })
      }
    }
    await Promise.all(Array.from({ length: PARALLEL_POSTS }, worker))
    pending = retryable
    // An import that ended Failed after its batch was answered (outcome pending): the server reported that its
    // events did not land, so the client sends them again, as an operator reading GET /imports would.
    await followedToTheEnd()
    // One the server gave up following (outcome unknown, logged and in GET /imports) is resent too: its fate was
    // reported unknown, and an upsert by email lands the same way twice.
    for (const failed of local.imports.list().imports) {
      if (!['failed', 'unknown'].includes(failed.outcome) || resentImports.has(failed.importId)) continue
      resentImports.add(failed.importId)
      pending.push(...failed.emails.map((email) => emails.indexOf(email)))
    }
  }
  clearInterval(watch)
  const seconds = (Date.now() - started) / 1000
  const followed = local.imports.list()

  const stats = sandbox.stats()
  const stored = sandbox.prospects(SANDBOX_DEFAULTS.businessUnitId)
  const storedEmails = new Set(stored.map((p) => p.email))
  const delivered = emails.filter((e) => storedEmails.has(e)).length
  const duplicates = stored.length - storedEmails.size
  // Refused by Pardot and reported as such: in the event's answer, or later in GET /imports for a pending import.
  const refusedLater = new Set(followed.imports.flatMap((i) => i.refused.map((r) => r.email)))
  const refusedNow = finalFailures.filter((f) =>
    /Pardot refused this event's row|at most 255/.test(f.error?.message ?? '')
  )
  const refused = new Set([...refusedNow.map((f) => emails[f.index]), ...refusedLater])
  // Accepted but neither landed nor reported refused (or reported in an import that ended Failed).
  const failedLater = new Set(
    followed.imports.filter((i) => ['failed', 'unknown'].includes(i.outcome)).flatMap((i) => i.emails)
  )
  const silentlyLost = [...accepted].filter(
    (i) => !storedEmails.has(emails[i]) && !refused.has(emails[i]) && !failedLater.has(emails[i])
  ).length
  const expectedRefused = emails.filter((_, i) => refusable(i)).length
  // Counted as requests arrive, those the sandbox turns away included: the peak of what the server sent.
  const maxArrived = stats.maxInFlightArrived[SANDBOX_DEFAULTS.businessUnitId] ?? 0
  const maxAdmitted = stats.maxInFlightAdmitted[SANDBOX_DEFAULTS.businessUnitId] ?? 0
  const own66 = (stats.answers['66'] ?? 0) - stats.injected['66']
  await local.close()

  const targets = {
    delivered: delivered === EVENTS - expectedRefused,
    refused: refused.size === expectedRefused && finalFailures.length === refusedNow.length,
    silentlyLost: silentlyLost === 0,
    duplicates: duplicates === 0,
    inFlight: maxArrived <= 5,
    own66: own66 === 0
  }
  const against = (met: boolean, target: string) => `(target ${target}: ${met ? 'met' : 'MISSED'})`
  const lines: [string, string | number][] = [
    ['mode', BATCH ? 'batches through the Import API' : 'one upsert per event'],
    ['events sent', EVENTS],
    [
      'delivered',
      `${delivered} (${((100 * delivered) / EVENTS).toFixed(2)}%) ${against(targets.delivered, `${EVENTS - expectedRefused}, all but the refusable`)}`
    ],
    [
      'refused by Pardot and reported (in the answer / later, GET /imports)',
      `${refused.size} (${refusedNow.length} / ${refusedLater.size}) ${against(targets.refused, `${expectedRefused}, and no other final failure`)}`
    ],
    ['silently lost (accepted, not landed, not reported)', `${silentlyLost} ${against(targets.silentlyLost, '0')}`],
    [
      'accepted with outcome pending / imports followed after the answer',
      `${acceptedPending} / ${followed.imports.length} (${JSON.stringify(followed.counts)})`
    ],
    ['retried inside the server', serverRetries],
    ['client rounds needed', `${rounds} of at most ${CLIENT_ROUNDS}`],
    ['re-sent by the client (reported retryable)', clientResends],
    ['still retryable after all rounds', pending.length],
    ['failed final (all rounds)', finalFailures.length],
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
    [
      'API calls (import creates / polls / errors downloads)',
      `${stats.totalApiCalls} (${stats.calls['POST /api/v5/imports'] ?? 0} / ${stats.calls['GET /api/v5/imports/:id'] ?? 0} / ${stats.calls['GET /api/v5/imports/:id/errors'] ?? 0})`
    ],
    ['wall time (s)', seconds.toFixed(1)]
  ]
  const scenario = SLOW ? `, slow Pardot (2% of answers after ${SLOW_MS / 1000} s; request timeout 10 s)` : ''
  const refusing = ROW_ERRORS > 0 ? `, ${ROW_ERRORS * 100}% carrying a value Pardot refuses` : ''
  console.log(`Soak: ${EVENTS} events, seed ${SEED}${scenario}${refusing}`)
  for (const [name, value] of lines) console.log(`  ${name.padEnd(68)} ${value}`)
  const others = finalFailures.filter((f) => !refusedNow.includes(f))
  for (const failure of others.slice(0, 5)) console.log(`  final failure: ${failure.error?.message ?? ''}`)
  // Why the follower gave up on an import, so a missed target can be traced to its cause.
  for (const unknown of followed.imports.filter((i) => i.outcome === 'unknown').slice(0, 5))
    console.log(
      `  import ${unknown.importId} unknown after ${unknown.polls} polls (last status ${unknown.status}): ${unknown.note ?? 'no note'}`
    )
  const met = Object.values(targets).every(Boolean)
  console.log(met ? 'Targets met.' : 'TARGETS MISSED.')
  process.exit(met ? 0 : 1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
