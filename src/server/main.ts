import { readConfig, SERVER_USAGE } from './config'
import { startLocalServer } from './app'
import pardot from '../destinations/pardot'
import { SANDBOX_DEFAULTS } from '../sandbox'
import { boundHeapGrowth } from './heap'

/** How long Ctrl-C lets requests being handled finish before the connections are cut. */
const DRAIN_MS = 10_000

/** `npm start`: the local destination server and, by default, the embedded Pardot sandbox. */
async function main() {
  if (process.argv.slice(2).includes('--help')) {
    console.log(SERVER_USAGE)
    return
  }
  boundHeapGrowth()
  const config = readConfig()
  const local = await startLocalServer({
    ...config,
    // The embedded sandbox answers on its own thread, as Pardot does on its own machines (docs/local-server.md).
    sandboxThread: true,
    clientId: process.env.SALESFORCE_CLIENT_ID,
    clientSecret: process.env.SALESFORCE_CLIENT_SECRET,
    log: (line) => console.error(`${new Date().toISOString()} ${line}`)
  })
  const u = local.url
  const actions = Object.keys(pardot.actions)
  const lines = [
    `Pardot (Actions) local server on ${u}`,
    `  target:          ${config.target === 'sandbox' ? 'embedded Pardot sandbox (no account needed)' : 'real Pardot (pi.pardot.com / pi.demo.pardot.com)'}`,
    `  concurrency:     at most ${config.maxConcurrency} requests in flight per business unit`,
    `  callers:         ${config.apiKey ? 'must send "Authorization: Bearer <the API key>"' : 'this machine only, no key (PARDOT_SERVER_API_KEY sets one)'}`,
    `  body cap:        ${(config.maxBodyBytes / 1024 / 1024).toFixed(0)} MB per request (--max-body-mb)`,
    `  event tester:    GET  ${u}/   (open it in a browser)`,
    `  manifest:        GET  ${u}/manifest`,
    `  test auth:       POST ${u}/authenticate`,
    `  refresh a token: POST ${u}/refreshAccessToken`,
    ...actions.map(
      (slug) => `  action:          POST ${u}/${slug}   {"payload": {…event…}, "settings"?, "mapping"?, "auth"?}`
    ),
    `  dropdowns:       POST ${u}/<action>/<field>   (e.g. ${u}/listMembership/listId)`,
    `  pending imports: GET  ${u}/imports   (batches Pardot had not finished within Import Wait, followed to their end)`
  ]
  if (config.target === 'sandbox') {
    lines.push(
      `  sandbox:         GET  ${u}/sandbox/prospects · ${u}/sandbox/list-memberships · ${u}/sandbox/external-activities · ${u}/sandbox/stats`,
      `                   POST ${u}/sandbox/reset · ${u}/sandbox/config · ${u}/sandbox/expire-tokens`,
      `  sandbox business units: ${SANDBOX_DEFAULTS.businessUnitId} (production), ${SANDBOX_DEFAULTS.demoBusinessUnitId} (sandbox / developer org)`
    )
  }
  lines.push(
    `Ctrl-C stops it (requests being handled get ${DRAIN_MS / 1000} s to finish; a second Ctrl-C stops at once).`
  )
  console.log(lines.join('\n'))

  let stopping = false
  const stop = () => {
    // A second Ctrl-C means the operator will not wait for the drain.
    if (stopping) process.exit(130)
    stopping = true
    console.log('\nStopping: letting requests being handled finish…')
    void local.close({ drainMs: DRAIN_MS }).then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
