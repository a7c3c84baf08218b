/**
 * `npm run soak`: N identify events with distinct emails through the local server into the embedded sandbox, with
 * injected 5xx, code 66, slow answers, a daily quota that runs out and then recovers (code 122), and access tokens
 * that expire every few seconds. Loopback only; bounded in count and time. Flags: `npm run soak -- --help`
 * (scripts/soak/options.ts).
 */
import { startLocalServer, type LocalServer } from '../src/server/app'
import { SANDBOX_DEFAULTS } from '../src/sandbox'
import { options, quotaOf, SLOW_MS, type Sandbox, type SoakOptions } from './soak/options'
import { sendAll } from './soak/send'
import { measure, report } from './soak/report'

function startSoakServer(o: SoakOptions): Promise<LocalServer> {
  return startLocalServer({
    port: 0,
    sandbox: o.slow
      ? { latencyMs: 2, faults: { rateSlow: 0.02, slowMs: SLOW_MS, seed: o.seed } }
      : {
          tokenTtlMs: 3000,
          latencyMs: 2,
          dailyQuota: quotaOf(o),
          // Imports take a little while, and some end Failed, as Pardot's can.
          importDelayMs: 100,
          faults: { rate5xx: 0.05, rate66: 0.05, rateSlow: 0.02, slowMs: 800, seed: o.seed, rateImportFailed: 0.05 }
        },
    importFollow: { intervalMs: 200, maxIntervalMs: 1000, maxMs: 60_000 }
  })
}

/** The quota "resets" a few seconds after it runs out, as Pardot's does at the account's midnight. Returns a stop. */
function recoverQuota(sandbox: Sandbox, quotaAt: number): () => void {
  let recovered = false
  const watch = setInterval(() => {
    const used = sandbox.state.counters.dailyCalls.get(SANDBOX_DEFAULTS.businessUnitId) ?? 0
    if (!recovered && used > quotaAt) {
      recovered = true
      setTimeout(() => sandbox.configure({ dailyQuota: Number.MAX_SAFE_INTEGER }), 3000)
    }
  }, 50)
  return () => clearInterval(watch)
}

async function main() {
  const o = options()
  const local = await startSoakServer(o)
  const sandbox = local.sandbox
  if (!sandbox) throw new Error('The soak needs the embedded sandbox.')
  const deadline = Date.now() + o.maxSeconds * 1000
  const started = Date.now()
  const stopRecovery = recoverQuota(sandbox, quotaOf(o))
  const emails = Array.from({ length: o.events }, (_, i) => `soak${i}@example.com`)
  const tally = await sendAll(local, emails, o, deadline)
  stopRecovery()
  const seconds = (Date.now() - started) / 1000
  const measured = measure(sandbox, local.imports.list(), emails, tally, o)
  await local.close()
  process.exit(report(measured, tally, o, seconds) ? 0 : 1)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
