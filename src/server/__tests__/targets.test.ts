import nock from 'nock'
import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import { postJson } from './post-json'

/** Where the server's requests go: the real hosts for target `pardot` (intercepted by nock), else its own sandbox. */

const UPSERT = '/api/v5/objects/prospects/do/upsertLatestByEmail'
const TOKEN = '/services/oauth2/token'
const BU = SANDBOX_DEFAULTS.businessUnitId
const auth = { accessToken: 'old-token', refreshToken: 'refresh-1', clientId: 'client-1', clientSecret: 'secret-1' }
const identify = (email: string) => ({ type: 'identify', userId: 'u1', traits: { email } })

const servers: LocalServer[] = []
const unmatched: string[] = []
// Requests no interceptor took: loopback ones (to the servers under test) pass; any other host would be a leak.
const noMatch = (req: { hostname?: string; host?: string; path?: string }) => {
  const host = req.hostname ?? req.host ?? '?'
  if (!/^(127\.0\.0\.1|localhost)$/.test(host)) unmatched.push(`${host}${req.path ?? ''}`)
}

beforeAll(() => nock.emitter.on('no match', noMatch))
afterAll(() => nock.emitter.removeListener('no match', noMatch))
beforeEach(() => {
  unmatched.length = 0
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** Against real Pardot the server needs a key from its callers. */
const API_KEY = 'targets-test-key-0123456789'

async function start(options: Parameters<typeof startLocalServer>[0]) {
  const local = await startLocalServer({ port: 0, apiKey: API_KEY, ...options })
  servers.push(local)
  return local
}

const post = (local: LocalServer, path: string, body: unknown) =>
  postJson(local.url + path, body, { authorization: `Bearer ${API_KEY}` })

/** Pardot refusing the old token, Salesforce refreshing it, and Pardot taking the upsert with the new one. */
function realHosts(api: string, login: string) {
  return [
    nock(api).post(UPSERT).matchHeader('authorization', 'Bearer old-token').reply(401, { code: 184, message: 'x' }),
    nock(login)
      .post(
        TOKEN,
        (form: Record<string, string>) => form.refresh_token === 'refresh-1' && form.client_id === 'client-1'
      )
      .reply(200, { access_token: 'new-token' }),
    nock(api)
      .post(UPSERT)
      .matchHeader('authorization', 'Bearer new-token')
      .matchHeader('pardot-business-unit-id', BU)
      .reply(200, { id: 1, email: 'ann@example.com' })
  ]
}

describe('target pardot', () => {
  it.each([
    ['production', {}, 'https://pi.pardot.com', 'https://login.salesforce.com'],
    [
      'a Salesforce sandbox (Sandbox Instance)',
      { isSandbox: true },
      'https://pi.demo.pardot.com',
      'https://test.salesforce.com'
    ],
    [
      'a developer org (Developer Org)',
      { isDeveloperOrg: true },
      'https://pi.demo.pardot.com',
      'https://login.salesforce.com'
    ]
  ])('sends %s to its real API and login hosts', async (_, toggles, api, login) => {
    const scopes = realHosts(api, login)
    const local = await start({ target: 'pardot' })
    const { body } = await post(local, '/prospects', {
      payload: identify('ann@example.com'),
      settings: { businessUnitID: BU, ...toggles },
      auth
    })
    expect(body).toMatchObject({ ok: true, tokenRefreshed: true })
    expect(body.requests.map((r) => r.request.url)).toEqual([`${api}${UPSERT}`, `${api}${UPSERT}`])
    for (const scope of scopes) expect(scope.isDone()).toBe(true)
    expect(unmatched).toEqual([])
  })

  it.each([
    [
      'host keys in settings',
      { apiHost: 'https://evil.example', baseUrl: 'https://evil.example', instance_url: 'x' },
      {}
    ],
    ['a business unit ending in CRLF', { businessUnitID: `${BU}\r\n` }, {}],
    ['host keys in auth', {}, { apiHost: 'https://evil.example', instanceUrl: 'https://evil.example', baseUrl: 'x' }]
  ])('keeps every request on pi.pardot.com and login.salesforce.com, whatever %s', async (_, settings, extraAuth) => {
    const scopes = realHosts('https://pi.pardot.com', 'https://login.salesforce.com')
    const local = await start({ target: 'pardot' })
    const { body } = await post(local, '/prospects', {
      payload: identify('ann@example.com'),
      settings: { businessUnitID: BU, ...settings },
      auth: { ...auth, ...extraAuth }
    })
    expect(body.ok).toBe(true)
    for (const scope of scopes) expect(scope.isDone()).toBe(true)
    expect(unmatched).toEqual([])
  })
})

describe('several servers in one process', () => {
  it('sends each server’s traffic to its own sandbox', async () => {
    const [a, b] = [await start({}), await start({})]
    const [sentA, sentB] = await Promise.all([
      post(a, '/prospects', { payload: identify('a@example.com') }),
      post(b, '/prospects', { payload: identify('b@example.com') })
    ])
    expect([sentA.body.ok, sentB.body.ok]).toEqual([true, true])
    expect(a.sandbox?.prospects().map((p) => p.email)).toEqual(['a@example.com'])
    expect(b.sandbox?.prospects().map((p) => p.email)).toEqual(['b@example.com'])
    expect(sentA.body.requests[0].request.url.startsWith(`${a.url}/pi.pardot.com/`)).toBe(true)
    expect(sentB.body.requests[0].request.url.startsWith(`${b.url}/pi.pardot.com/`)).toBe(true)
  })

  it('keeps a sandbox server and a real-Pardot server apart, whichever started last', async () => {
    const upsert = nock('https://pi.pardot.com').post(UPSERT).reply(200, { id: 7 })
    const sandboxed = await start({})
    const real = await start({ target: 'pardot' })
    const [toSandbox, toPardot] = await Promise.all([
      post(sandboxed, '/prospects', { payload: identify('local@example.com') }),
      post(real, '/prospects', {
        payload: identify('real@example.com'),
        settings: { businessUnitID: BU },
        auth: { ...auth, accessToken: 'new-token' }
      })
    ])
    expect([toSandbox.body.ok, toPardot.body.ok]).toEqual([true, true])
    expect(sandboxed.sandbox?.prospects().map((p) => p.email)).toEqual(['local@example.com'])
    expect(toPardot.body.requests.map((r) => r.request.url)).toEqual([`https://pi.pardot.com${UPSERT}`])
    expect(upsert.isDone()).toBe(true)
    expect(unmatched).toEqual([])
  })
})
