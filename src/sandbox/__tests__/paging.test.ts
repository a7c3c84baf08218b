import { SANDBOX_DEFAULTS } from '..'
import { sandboxPerTest } from './harness'

const BU = SANDBOX_DEFAULTS.businessUnitId
const PROSPECTS = '/api/v5/objects/prospects'

const current = sandboxPerTest()
const call = (path: string) => current().call(path)

/** Pardot's docs: a request with nextPageToken may carry `fields` besides it, nothing else (docs/pardot-api.md). */
describe('paging like Pardot', () => {
  beforeEach(() => {
    const state = current().sandbox.state
    for (let i = 0; i < 3; i++) state.prospects.create(BU, { email: 'ann@example.com' })
    state.prospects.create(BU, { email: 'bob@example.com' })
  })

  it('keeps the first page’s filters in the token, and answers 400 to any parameter but fields beside a token', async () => {
    const page1 = await call(`${PROSPECTS}?fields=id,email&email=ann%40example.com&limit=2`)
    const token = encodeURIComponent(String(page1.body.nextPageToken))
    const page2 = await call(`${PROSPECTS}?fields=email&nextPageToken=${token}`)
    expect(page2).toEqual({
      status: 200,
      body: { values: [{ email: 'ann@example.com' }], nextPageToken: null, nextPageUrl: null }
    })
    for (const extra of ['email=ann%40example.com', 'limit=2', 'deleted=all']) {
      const refused = await call(`${PROSPECTS}?fields=id&${extra}&nextPageToken=${token}`)
      expect(refused).toEqual({
        status: 400,
        body: {
          code: 5,
          message: `Invalid query parameters: only fields may be sent with nextPageToken, not ${extra.split('=')[0]}`
        }
      })
    }
  })

  it('answers code 211 to a token it never gave', async () => {
    expect(await call(`${PROSPECTS}?fields=id&nextPageToken=not-a-token`)).toEqual({
      status: 400,
      body: { code: 211, message: 'Page token is invalid.' }
    })
  })

  it('answers code 211 to a token given for another endpoint or another business unit', async () => {
    const page1 = await call(`${PROSPECTS}?fields=id&limit=2`)
    const token = encodeURIComponent(String(page1.body.nextPageToken))
    const invalid = { status: 400, body: { code: 211, message: 'Page token is invalid.' } }
    expect(await call(`/api/v5/objects/lists?fields=id&nextPageToken=${token}`)).toEqual(invalid)
    const otherUnit = await current().call(`/pi.demo.pardot.com${PROSPECTS}?fields=id&nextPageToken=${token}`, {
      bu: SANDBOX_DEFAULTS.demoBusinessUnitId
    })
    expect(otherUnit).toEqual(invalid)
    // On its own endpoint and business unit it still works.
    expect((await call(`${PROSPECTS}?fields=id&nextPageToken=${token}`)).status).toBe(200)
  })

  it('counts each page as an API call in the stats', async () => {
    const page1 = await call(`${PROSPECTS}?fields=id&limit=2`)
    await call(`${PROSPECTS}?fields=id&nextPageToken=${encodeURIComponent(String(page1.body.nextPageToken))}`)
    expect(current().sandbox.stats().calls).toEqual({ [`GET ${PROSPECTS}`]: 2 })
  })
})
