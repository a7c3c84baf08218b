import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'

/** Drives every error path of the local server and checks no token or secret leaks into answers or logs. */

const WRONG_SECRET = 'WRONG-CLIENT-SECRET-123'
const UNKNOWN_REFRESH = 'UNKNOWN-REFRESH-TOKEN-456'
const BAD_ACCESS = 'BAD-ACCESS-TOKEN-789'
const SECRETS = [
  SANDBOX_DEFAULTS.accessToken,
  SANDBOX_DEFAULTS.refreshToken,
  SANDBOX_DEFAULTS.clientSecret,
  WRONG_SECRET,
  UNKNOWN_REFRESH,
  BAD_ACCESS
]
const ISSUED_TOKEN = /sandbox-at-\d+-/

let local: LocalServer
const seen: string[] = []
const logged: string[] = []

beforeAll(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')))
  }
  local = await startLocalServer({ port: 0, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 100 } })
})

afterAll(async () => {
  await local.close()
  jest.restoreAllMocks()
})

async function post(path: string, body: unknown) {
  const res = await fetch(local.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  const text = await res.text()
  seen.push(text)
  return { status: res.status, text }
}

const identify = { type: 'identify', traits: { email: 'ann@example.com' } }

describe('no token or secret in any answer or log line', () => {
  it.each([
    ['a delivered event', () => post('/prospects', { payload: identify })],
    [
      'an expired token, refreshed',
      async () => {
        await fetch(`${local.url}/sandbox/expire-tokens`, { method: 'POST' })
        return post('/prospects', { payload: identify })
      }
    ],
    [
      'a refresh refused for a wrong client secret',
      () =>
        post('/prospects', {
          payload: identify,
          auth: {
            accessToken: BAD_ACCESS,
            refreshToken: SANDBOX_DEFAULTS.refreshToken,
            clientId: SANDBOX_DEFAULTS.clientId,
            clientSecret: WRONG_SECRET
          }
        })
    ],
    [
      'a refresh refused for an unknown refresh token',
      () =>
        post('/prospects', {
          payload: identify,
          auth: {
            accessToken: BAD_ACCESS,
            refreshToken: UNKNOWN_REFRESH,
            clientId: SANDBOX_DEFAULTS.clientId,
            clientSecret: SANDBOX_DEFAULTS.clientSecret
          }
        })
    ],
    [
      'an unknown business unit',
      () => post('/prospects', { payload: identify, settings: { businessUnitID: '0Uv0000000000ZZAAA' } })
    ],
    ['an event refused before any request', () => post('/prospects', { payload: { type: 'identify', traits: {} } })],
    [
      'retries spent on Pardot failures',
      async () => {
        local.sandbox?.configure({ faults: { rate5xx: 1 } })
        const answer = await post('/prospects', { payload: [identify, identify] })
        local.sandbox?.configure({ faults: {} })
        return answer
      }
    ],
    [
      'a failed import call',
      async () => {
        local.sandbox?.configure({ faults: { rate66: 1 } })
        const answer = await post('/prospects', {
          payload: [identify],
          mapping: { enable_batching: true },
          useDefaultMappings: true
        })
        local.sandbox?.configure({ faults: {} })
        return answer
      }
    ],
    [
      'a failed authentication test',
      () => post('/authenticate', { businessUnitID: '0Uv0000000000ZZAAA', oauth: { access_token: BAD_ACCESS } })
    ],
    [
      'a failed refreshAccessToken',
      () =>
        post('/refreshAccessToken', {
          refreshToken: UNKNOWN_REFRESH,
          clientId: SANDBOX_DEFAULTS.clientId,
          clientSecret: WRONG_SECRET
        })
    ],
    ['malformed JSON', () => post('/prospects', '{"payload":')]
  ])('%s', async (_, run) => {
    const { text } = await run()
    for (const secret of SECRETS) expect(text).not.toContain(secret)
    expect(text).not.toMatch(ISSUED_TOKEN)
  })

  it('logged nothing secret along the way', () => {
    const all = logged.join('\n')
    for (const secret of SECRETS) expect(all).not.toContain(secret)
    expect(all).not.toMatch(ISSUED_TOKEN)
    expect(seen.length).toBeGreaterThanOrEqual(11)
  })
})
