import { readConfig } from './config'
import { startLocalServer } from './app'
import { SANDBOX_DEFAULTS } from '../sandbox'

/** `npm start`: the local destination server and, by default, the embedded Pardot sandbox. */
async function main() {
  const config = readConfig()
  const local = await startLocalServer({
    ...config,
    clientId: process.env.SALESFORCE_CLIENT_ID,
    clientSecret: process.env.SALESFORCE_CLIENT_SECRET
  })
  const lines = [
    `Pardot (Actions) local server on ${local.url}`,
    `  event tester:  ${local.url}/   (open it in a browser)`,
    `  target:        ${config.target === 'sandbox' ? 'embedded Pardot sandbox (no account needed)' : 'real Pardot (pi.pardot.com / pi.demo.pardot.com)'}`,
    `  manifest:      GET  ${local.url}/manifest`,
    `  send an event: POST ${local.url}/prospects   {"payload": {"type": "identify", "traits": {"email": "…"}}}`,
    `  test auth:     POST ${local.url}/authenticate`
  ]
  if (local.sandbox) {
    lines.push(
      `  sandbox:       GET  ${local.url}/sandbox/prospects · POST ${local.url}/sandbox/reset · GET ${local.url}/sandbox/stats`,
      `  sandbox business units: ${SANDBOX_DEFAULTS.businessUnitId} (production), ${SANDBOX_DEFAULTS.demoBusinessUnitId} (sandbox / developer org)`
    )
  }
  lines.push('Ctrl-C stops it.')
  console.log(lines.join('\n'))

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    console.log('\nStopping…')
    void local.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
