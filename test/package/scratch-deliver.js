// Run inside the scratch project by pack.test.ts: the installed package delivers an identify event to the sandbox
// its own server subpath runs on loopback, through the scratch project's own copy of actions-core.
const { Destination } = require('@segment/actions-core')
const pardot = require('pardot-actions-destination')
const { startLocalServer, localHosts, SANDBOX_DEFAULTS } = require('pardot-actions-destination/server')

async function main() {
  const local = await startLocalServer({ port: 0 })
  try {
    const destination = new Destination(pardot.createPardotDestination({ hosts: localHosts(local.url) }))
    const results = await destination.onEvent(
      { type: 'identify', userId: 'u1', traits: { email: 'packed@example.com', first_name: 'Pat' } },
      {
        businessUnitID: SANDBOX_DEFAULTS.businessUnitId,
        subscription: {
          subscribe: 'type = "identify"',
          partnerAction: 'prospects',
          mapping: pardot.default.presets[0].mapping
        },
        oauth: { access_token: SANDBOX_DEFAULTS.accessToken, refresh_token: SANDBOX_DEFAULTS.refreshToken }
      }
    )
    const prospects = await (await fetch(`${local.url}/sandbox/prospects`)).json()
    const tester = await fetch(`${local.url}/`)
    console.log(JSON.stringify({ name: pardot.default.name, results, prospects, tester: tester.status }))
  } finally {
    await local.close()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
