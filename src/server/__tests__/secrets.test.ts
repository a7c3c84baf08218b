import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'

/** Drives the local server's error paths and checks no token or secret leaks into answers or log lines. */

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
  // The console too, in case something logs around the server's own log.
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')))
  }
  local = await startLocalServer({
    port: 0,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2, budgetMs: 100, quotaPauseMs: 1, deadlineMs: 400 },
    log: (line) => logged.push(line)
  })
})

afterAll(async () => {
  await local.close()
  jest.restoreAllMocks()
})

afterEach(() => {
  local.sandbox?.configure({ faults: {}, refreshDelayMs: 20 })
})

/** Sends `body` as JSON, or a string exactly as given (so malformed JSON stays malformed). */
async function post(path: string, body: unknown) {
  const res = await fetch(local.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await res.text()
  seen.push(text)
  return { status: res.status, text }
}

const expire = () => fetch(`${local.url}/sandbox/expire-tokens`, { method: 'POST' })
const identify = { type: 'identify', traits: { email: 'ann@example.com' } }
const badAuth = {
  accessToken: BAD_ACCESS,
  refreshToken: UNKNOWN_REFRESH,
  clientId: SANDBOX_DEFAULTS.clientId,
  clientSecret: WRONG_SECRET
}

/** Neither a whole secret nor a telling piece of one (a parser's message may quote ten characters or so). */
function expectNoSecret(text: string) {
  for (const secret of SECRETS) {
    expect(text).not.toContain(secret)
    expect(text).not.toContain(secret.slice(0, 10))
  }
  expect(text).not.toMatch(ISSUED_TOKEN)
}

describe('no token or secret in any answer', () => {
  it.each([
    ['a delivered event', () => post('/prospects', { payload: identify })],
    [
      'an expired token, refreshed',
      async () => {
        await expire()
        return post('/prospects', { payload: identify })
      }
    ],
    [
      'a refresh refused for a wrong client secret',
      () =>
        post('/prospects', {
          payload: identify,
          auth: { ...badAuth, refreshToken: SANDBOX_DEFAULTS.refreshToken }
        })
    ],
    ['a refresh refused for an unknown refresh token', () => post('/prospects', { payload: identify, auth: badAuth })],
    [
      'concurrent refreshes of one token, one told "already being processed" (retryable)',
      async () => {
        local.sandbox?.configure({ refreshDelayMs: 100 })
        await expire()
        return post('/prospects', { payload: [identify, identify, identify] })
      }
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
        return post('/prospects', { payload: [identify, identify] })
      }
    ],
    [
      'no answer from Pardot before the deadline',
      async () => {
        local.sandbox?.configure({ faults: { rateSlow: 1, slowMs: 1000 } })
        return post('/prospects', { payload: identify })
      }
    ],
    [
      'a failed import call',
      async () => {
        local.sandbox?.configure({ faults: { rate66: 1 } })
        return post('/prospects', { payload: [identify], mapping: { enable_batching: true }, useDefaultMappings: true })
      }
    ],
    [
      'a list membership with a bad token',
      () =>
        post('/listMembership', {
          payload: identify,
          mapping: { listId: '1001', operation: 'add' },
          useDefaultMappings: true,
          auth: badAuth
        })
    ],
    [
      'a list membership on a list that does not exist',
      () =>
        post('/listMembership', {
          payload: identify,
          mapping: { listId: '9999', operation: 'add' },
          useDefaultMappings: true
        })
    ],
    [
      'an external activity of an inactive extension, with a bad token',
      () =>
        post('/externalActivity', {
          payload: { type: 'track', event: 'Webinar', properties: { email: 'ann@example.com' } },
          mapping: { extension: 'Legacy_Webinars', type: 'Registered', value: 'w1' },
          useDefaultMappings: true,
          auth: badAuth
        })
    ],
    [
      'a prospect deletion with an expired token and a refused refresh',
      async () => {
        await expire()
        return post('/deleteProspect', { payload: identify, useDefaultMappings: true, auth: badAuth })
      }
    ],
    [
      'a dropdown with a bad token',
      () => post('/listMembership/listId', { auth: { accessToken: BAD_ACCESS, refreshToken: UNKNOWN_REFRESH } })
    ],
    [
      'a dropdown with an expired token',
      async () => {
        await expire()
        return post('/listMembership/listId', {})
      }
    ],
    [
      // A token no header can carry is left out of the request, so Pardot answers 401: the dropdown shows that.
      'a dropdown with a token holding a line break',
      () => post('/listMembership/listId', { auth: { accessToken: `${BAD_ACCESS}\r\nX-Leak: 1`, refreshToken: 'r' } })
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
    // Node's JSON parser quotes the text around a mistake; these two would put a token in its message.
    ['malformed JSON that is a bare token', () => post('/prospects', BAD_ACCESS)],
    ['malformed JSON around a token', () => post('/prospects', `{"auth": {"accessToken": ${BAD_ACCESS}}}`)]
  ])('%s', async (_, run) => {
    const { text } = await run()
    expectNoSecret(text)
  })

  it('answers malformed JSON with where the mistake is, and nothing of the body', async () => {
    const body = `{"payload": {"traits": {"email": "ann@example.com"}} x`
    const { status, text } = await post('/prospects', body)
    expect(status).toBe(400)
    expect(JSON.parse(text)).toEqual({
      ok: false,
      error: { status: 400, message: `The request body is not valid JSON (at character ${body.lastIndexOf('x') + 1}).` }
    })
  })
})

describe('the log', () => {
  it('has a line for each failed request, naming the route and the status, and nothing secret', () => {
    const all = logged.join('\n')
    expectNoSecret(all)
    expect(seen.length).toBeGreaterThanOrEqual(22)
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^POST \/prospects -> 400: The request body is not valid JSON/),
        expect.stringMatching(/^POST \/prospects -> 401: /),
        expect.stringMatching(/^POST \/prospects -> 504: Not delivered within the server's 0.4 s deadline/),
        expect.stringMatching(/^POST \/listMembership -> \d+: /),
        expect.stringMatching(/^POST \/externalActivity -> \d+: /),
        expect.stringMatching(/^POST \/deleteProspect -> \d+: /),
        expect.stringMatching(/^POST \/listMembership\/listId -> 200: /),
        expect.stringMatching(/^POST \/authenticate -> 200: /),
        expect.stringMatching(/^POST \/refreshAccessToken -> \d+: /)
      ])
    )
  })
})
