/** The soak's report: what landed in the sandbox against what the client was told, and the targets. */
import { SANDBOX_DEFAULTS } from '../../src/sandbox'
import type { LocalServer } from '../../src/server/app'
import { refusable, SLOW_MS, type Sandbox, type SoakOptions } from './options'
import { CLIENT_ROUNDS, type Tally } from './send'

/** What landed in the sandbox, against what the client was told. */
export function measure(
  sandbox: Sandbox,
  followed: ReturnType<LocalServer['imports']['list']>,
  emails: string[],
  tally: Tally,
  o: SoakOptions
) {
  const stats = sandbox.stats()
  const stored = sandbox.prospects(SANDBOX_DEFAULTS.businessUnitId)
  const storedEmails = new Set(stored.map((p) => p.email))
  // Refused by Pardot and reported as such: in the event's answer, or later in GET /imports for a pending import.
  const refusedLater = new Set(followed.imports.flatMap((i) => i.refused.map((r) => r.email)))
  const refusedNow = tally.finalFailures.filter((f) =>
    /Pardot refused this event's row|at most 255/.test(f.error?.message ?? '')
  )
  const refused = new Set([...refusedNow.map((f) => emails[f.index]), ...refusedLater])
  // Accepted but neither landed nor reported refused (or reported in an import that ended Failed).
  const failedLater = new Set(
    followed.imports.filter((i) => ['failed', 'unknown'].includes(i.outcome)).flatMap((i) => i.emails)
  )
  const silentlyLost = [...tally.accepted].filter(
    (i) => !storedEmails.has(emails[i]) && !refused.has(emails[i]) && !failedLater.has(emails[i])
  ).length
  return {
    stats,
    followed,
    delivered: emails.filter((e) => storedEmails.has(e)).length,
    duplicates: stored.length - storedEmails.size,
    refusedNow,
    refusedLater,
    refused,
    silentlyLost,
    expectedRefused: emails.filter((_, i) => refusable(i, o)).length,
    // Counted as requests arrive, those the sandbox turns away included: the peak of what the server sent.
    maxArrived: stats.maxInFlightArrived[SANDBOX_DEFAULTS.businessUnitId] ?? 0,
    maxAdmitted: stats.maxInFlightAdmitted[SANDBOX_DEFAULTS.businessUnitId] ?? 0,
    own66: (stats.answers['66'] ?? 0) - stats.injected['66']
  }
}

type Measured = ReturnType<typeof measure>

function targetsOf(m: Measured, tally: Tally, o: SoakOptions) {
  return {
    delivered: m.delivered === o.events - m.expectedRefused,
    refused: m.refused.size === m.expectedRefused && tally.finalFailures.length === m.refusedNow.length,
    silentlyLost: m.silentlyLost === 0,
    duplicates: m.duplicates === 0,
    inFlight: m.maxArrived <= 5,
    own66: m.own66 === 0
  }
}

/** The report's rows: what was delivered and refused, against the targets. */
function deliveryLines(m: Measured, tally: Tally, o: SoakOptions): [string, string | number][] {
  const targets = targetsOf(m, tally, o)
  const against = (met: boolean, target: string) => `(target ${target}: ${met ? 'met' : 'MISSED'})`
  const expected = o.events - m.expectedRefused
  return [
    ['mode', o.batch ? 'batches through the Import API' : 'one upsert per event'],
    ['events sent', o.events],
    [
      'delivered',
      `${m.delivered} (${((100 * m.delivered) / o.events).toFixed(2)}%) ${against(targets.delivered, `${expected}, all but the refusable`)}`
    ],
    [
      'refused by Pardot and reported (in the answer / later, GET /imports)',
      `${m.refused.size} (${m.refusedNow.length} / ${m.refusedLater.size}) ${against(targets.refused, `${m.expectedRefused}, and no other final failure`)}`
    ],
    ['silently lost (accepted, not landed, not reported)', `${m.silentlyLost} ${against(targets.silentlyLost, '0')}`],
    [
      'accepted with outcome pending / imports followed after the answer',
      `${tally.acceptedPending} / ${m.followed.imports.length} (${JSON.stringify(m.followed.counts)})`
    ],
    ['retried inside the server', tally.serverRetries],
    ['client rounds needed', `${tally.rounds} of at most ${CLIENT_ROUNDS}`],
    ['re-sent by the client (reported retryable)', tally.clientResends],
    ['still retryable after all rounds', tally.pending.length],
    ['failed final (all rounds)', tally.finalFailures.length],
    ['duplicates created', `${m.duplicates} ${against(targets.duplicates, '0')}`],
    [
      'max in flight arriving at the sandbox / let through',
      `${m.maxArrived} / ${m.maxAdmitted} ${against(targets.inFlight, '≤ 5 arriving')}`
    ],
    [
      'code 66 answers injected / caused by the server',
      `${m.stats.injected['66']} / ${m.own66} ${against(targets.own66, '0 caused')}`
    ]
  ]
}

/** The report's rows on what the sandbox injected and answered, and the calls it took. */
function sandboxLines(m: Measured, seconds: number): [string, string | number][] {
  const { stats } = m
  return [
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
}

/** Prints the report; whether every target was met. */
export function report(m: Measured, tally: Tally, o: SoakOptions, seconds: number): boolean {
  const scenario = o.slow ? `, slow Pardot (2% of answers after ${SLOW_MS / 1000} s; request timeout 10 s)` : ''
  const refusing = o.rowErrors > 0 ? `, ${o.rowErrors * 100}% carrying a value Pardot refuses` : ''
  console.log(`Soak: ${o.events} events, seed ${o.seed}${scenario}${refusing}`)
  for (const [name, value] of [...deliveryLines(m, tally, o), ...sandboxLines(m, seconds)]) {
    console.log(`  ${name.padEnd(68)} ${value}`)
  }
  const others = tally.finalFailures.filter((f) => !m.refusedNow.includes(f))
  for (const failure of others.slice(0, 5)) console.log(`  final failure: ${failure.error?.message ?? ''}`)
  // Why the follower gave up on an import, so a missed target can be traced to its cause.
  for (const unknown of m.followed.imports.filter((i) => i.outcome === 'unknown').slice(0, 5))
    console.log(
      `  import ${unknown.importId} unknown after ${unknown.polls} polls (last status ${unknown.status}): ${unknown.note ?? 'no note'}`
    )
  const met = Object.values(targetsOf(m, tally, o)).every(Boolean)
  console.log(met ? 'Targets met.' : 'TARGETS MISSED.')
  return met
}
