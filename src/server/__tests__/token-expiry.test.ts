import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { JSONObject, SegmentEvent } from '@segment/actions-core'
import { deliver, type Credentials } from '../deliver'
import { ConcurrencyLimiter, DEFAULT_RETRY } from '../limiter'
import { ServedDefinitions } from '../server-parts'
import { TokenStore } from '../tokens'
import { DEFAULT_SLOW_PARDOT } from '../watch'

/**
 * Access tokens that die while a call is under way (Pardot code 184, HTTP 401). The engine refreshes the token and
 * tries once more; the server must send that repeat with the new token at once, and an event whose repeat is still
 * refused must be reported retryable, never dropped as a final failure. Pardot and Salesforce's token endpoint are a
 * small fake on loopback, so which request meets which token is decided by the test, not by a clock.
 */

const BU = '0Uv000000000001AAA'
const settings: JSONObject = { businessUnitID: BU }
const retry = { ...DEFAULT_RETRY, attempts: 1, deadlineMs: 10_000 }

interface FakePardot {
  /** Each request as `METHOD path-end token`: what the fake saw, in order. */
  seen: string[]
  /** Runs before the token endpoint answers (Salesforce refreshing while the rest of the world goes on). */
  onRefresh?: () => void
  /** Whether Pardot takes a token: by default only those the fake issued. */
  accepts: (token: string) => boolean
  /** Answers the refresh_token grant; the default issues `fresh-1`, `fresh-2`, … */
  refresh: (res: ServerResponse) => void
}

let server: Server | undefined
let fake: FakePardot

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve))
  server = undefined
})

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

function answer(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? ''
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
  const end = path.endsWith('/services/oauth2/token') ? 'token' : (path.split('/').pop() ?? '')
  fake.seen.push(`${req.method} ${end} ${token}`.trim())
  if (end === 'token') {
    fake.onRefresh?.()
    return fake.refresh(res)
  }
  if (!fake.accepts(token)) {
    return send(res, 401, { code: 184, message: 'access_token is invalid, unknown, or malformed: Inactive token' })
  }
  if (end === 'upsertLatestByEmail') return send(res, 200, { id: 1, email: 'ann@example.com' })
  return send(res, 404, { code: 404, message: 'not in this fake' })
}

/** The fake on loopback, and the Pardot destination aimed at it as the server serves it (slots, token store). */
async function startFake(overrides: Partial<FakePardot> = {}) {
  let issued = 0
  fake = {
    seen: [],
    accepts: (token) => token.startsWith('fresh-'),
    refresh: (res) => send(res, 200, { access_token: `fresh-${++issued}` }),
    ...overrides
  }
  server = createServer((req, res) => req.resume().on('end', () => answer(req, res)))
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const definitions = new ServedDefinitions(new TokenStore(), DEFAULT_SLOW_PARDOT, {})
  definitions.aim(`http://127.0.0.1:${(server?.address() as AddressInfo).port}`)
  return definitions.trusted
}

const credentials = (): Credentials => ({
  accessToken: 'expired',
  refreshToken: 'refresh-1',
  clientId: 'client-1',
  clientSecret: 'secret-1'
})
const identify = (email: string) => ({ type: 'identify', userId: 'u1', traits: { email } }) as unknown as SegmentEvent

/** One identify event for ann@example.com through the server's delivery, with the tests' retry policy. */
const deliverAnn = (definition: Parameters<typeof deliver>[0]) =>
  deliver(definition, {
    slug: 'prospects',
    payload: identify('ann@example.com'),
    settings,
    useDefaultMappings: true,
    credentials: credentials(),
    retry
  })

describe('an access token that expires during a call', () => {
  it('sends the repeat after a refresh in the slot its 401 held, even when the business unit is paused meanwhile', async () => {
    const limiter = new ConcurrencyLimiter(5)
    // A quota answer to another call pauses the business unit while the token is refreshed (as in the soak).
    const definition = await startFake({ onRefresh: () => limiter.pause(BU, 60_000) })
    const report = await deliver(definition, {
      slug: 'prospects',
      payload: identify('ann@example.com'),
      settings,
      useDefaultMappings: true,
      credentials: credentials(),
      limiter,
      retry
    })
    expect(report).toMatchObject({ ok: true, tokenRefreshed: true })
    expect(fake.seen).toEqual(['POST upsertLatestByEmail expired', 'POST token', 'POST upsertLatestByEmail fresh-1'])
    expect(limiter.inFlight(BU)).toBe(0)
  })

  it('reports an event retryable when Pardot still refuses the refreshed token', async () => {
    const definition = await startFake({ accepts: () => false })
    const report = await deliverAnn(definition)
    // The engine refreshed again after the second 401: the next attempt starts with a new token.
    expect(fake.seen).toEqual([
      'POST upsertLatestByEmail expired',
      'POST token',
      'POST upsertLatestByEmail fresh-1',
      'POST token'
    ])
    expect(report).toMatchObject({ ok: false, status: 401 })
    expect(report.error).toMatchObject({ status: 401, code: 'INVALID_AUTHENTICATION', retryable: true })
    expect(report.error?.message).toContain('code 184')
  })

  it('reports each event of a batch retryable when the import is still refused after the refresh', async () => {
    const definition = await startFake({ accepts: () => false })
    const report = await deliver(definition, {
      slug: 'prospects',
      payload: ['a@example.com', 'b@example.com', 'c@example.com'].map(identify),
      settings,
      mapping: { enable_batching: true, batch_size: 100, import_wait_seconds: 0 },
      useDefaultMappings: true,
      credentials: credentials(),
      retry
    })
    // The import met the expired token, then the refreshed one; the engine refreshed again for the next attempt.
    expect(fake.seen).toEqual(['POST imports expired', 'POST token', 'POST imports fresh-1', 'POST token'])
    expect(report.events).toHaveLength(3)
    for (const event of report.events ?? []) {
      expect(event).toMatchObject({ ok: false, status: 401 })
      expect(event.error).toMatchObject({ code: 'INVALID_AUTHENTICATION', retryable: true })
    }
  })

  it('still reports a refused refresh as final: only reconnecting helps', async () => {
    const definition = await startFake({
      refresh: (res) => send(res, 400, { error: 'invalid_grant', error_description: 'expired access/refresh token' })
    })
    const report = await deliverAnn(definition)
    expect(report.error).toMatchObject({ status: 401, code: 'REFRESH_TOKEN_EXPIRED', retryable: false })
    expect(report.error?.message).toContain('reconnect the destination')
  })
})
