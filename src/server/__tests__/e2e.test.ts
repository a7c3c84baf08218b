import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { DeliveryReport } from '../deliver'
import { DEFAULT_RETRY } from '../limiter'
import { postJson } from './post-json'

let local: LocalServer

afterEach(async () => {
  await local?.close()
})

const post = (path: string, body: unknown) => postJson(local.url + path, body)

const identify = (traits: Record<string, unknown>) => ({ type: 'identify', userId: 'u1', traits })

async function storedProspects() {
  return (await (await fetch(`${local.url}/sandbox/prospects`)).json()) as Record<string, unknown>[]
}

describe('an identify through the local server lands in the sandbox', () => {
  beforeEach(async () => {
    local = await startLocalServer({ port: 0 })
  })

  it('stores a new prospect and shows the exact request, token redacted', async () => {
    const { status, body } = await post('/prospects', {
      payload: identify({ email: 'ann@example.com', first_name: 'Ann', title: 'CTO' })
    })
    expect(status).toBe(200)
    expect(body.ok).toBe(true)
    expect(body.requests).toHaveLength(1)
    expect(body.requests[0].request).toMatchObject({
      method: 'POST',
      url: `${local.url}/pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail`,
      headers: { authorization: 'Bearer [redacted]', 'pardot-business-unit-id': SANDBOX_DEFAULTS.businessUnitId },
      body: {
        matchEmail: 'ann@example.com',
        prospect: { email: 'ann@example.com', firstName: 'Ann', jobTitle: 'CTO' },
        secondaryDeletedSearch: true
      }
    })
    expect(body.requests[0].response.status).toBe(200)
    expect(await storedProspects()).toEqual([
      expect.objectContaining({ email: 'ann@example.com', firstName: 'Ann', jobTitle: 'CTO', isDeleted: false })
    ])
  })

  it('updates the same prospect for a second event with the same email', async () => {
    await post('/prospects', { payload: identify({ email: 'ann@example.com', first_name: 'Ann' }) })
    await post('/prospects', { payload: identify({ email: 'ann@example.com', last_name: 'Lee' }) })
    const prospects = await storedProspects()
    expect(prospects).toHaveLength(1)
    expect(prospects[0]).toMatchObject({ firstName: 'Ann', lastName: 'Lee' })
  })

  it('makes a second prospect for a case-different email', async () => {
    await post('/prospects', { payload: identify({ email: 'ann@example.com' }) })
    await post('/prospects', { payload: identify({ email: 'Ann@Example.com' }) })
    expect((await storedProspects()).map((p) => p.email)).toEqual(['ann@example.com', 'Ann@Example.com'])
  })

  it('refreshes an expired token and still lands the event, then keeps the new token', async () => {
    await fetch(`${local.url}/sandbox/expire-tokens`, { method: 'POST' })
    const first = await post('/prospects', { payload: identify({ email: 'late@example.com' }) })
    expect(first.body).toMatchObject({ ok: true, tokenRefreshed: true })
    expect(first.body.requests.map((r) => r.response.status)).toEqual([401, 200])
    const second = await post('/prospects', { payload: identify({ email: 'later@example.com' }) })
    expect(second.body).toMatchObject({ ok: true, tokenRefreshed: false })
    expect((await storedProspects()).map((p) => p.email)).toEqual(['late@example.com', 'later@example.com'])
    expect(local.sandbox?.stats().calls['POST /services/oauth2/token']).toBe(1)
  })

  it('gives the actionable message, not a stack trace, for a wrong business unit', async () => {
    const { status, body } = await post('/prospects', {
      payload: identify({ email: 'ann@example.com' }),
      settings: { businessUnitID: '0Uv0000000000ZZAAA' }
    })
    expect(status).toBe(400)
    expect(body.error?.message).toContain('Pardot did not find business unit 0Uv0000000000ZZAAA at')
    expect(body.error?.message).toContain('if this business unit is in a Salesforce sandbox turn on Sandbox Instance')
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/)
  })

  it('reaches the demo business unit only with the sandbox toggle on', async () => {
    const settings = { businessUnitID: SANDBOX_DEFAULTS.demoBusinessUnitId }
    const off = await post('/prospects', { payload: identify({ email: 'd@example.com' }), settings })
    expect(off.body.error?.message).toContain('turn on Sandbox Instance')
    const on = await post('/prospects', {
      payload: identify({ email: 'd@example.com' }),
      settings: { ...settings, isSandbox: true }
    })
    expect(on.body.ok).toBe(true)
    expect(on.body.requests[0].request.url).toContain('/pi.demo.pardot.com/')
  })

  it('refuses an event without an email before any request', async () => {
    const { status, body } = await post('/prospects', { payload: identify({ first_name: 'Ann' }) })
    expect(status).toBe(400)
    expect(body.error?.message).toBe("The root value is missing the required field 'email'.")
    expect(body.requests).toEqual([])
  })

  it.each([
    ['extra host keys in settings and auth', { apiHost: 'https://evil.example', baseUrl: 'https://evil.example' }],
    ['a business unit ending in CRLF', { businessUnitID: `${SANDBOX_DEFAULTS.businessUnitId}\r\n` }],
    ['an instance URL in settings', { instance_url: 'https://evil.example', instanceUrl: 'https://evil.example' }]
  ])('sends every request to the sandbox standing for pi.pardot.com, whatever %s', async (_, extra) => {
    await fetch(`${local.url}/sandbox/expire-tokens`, { method: 'POST' })
    const { body } = await post('/prospects', {
      payload: identify({ email: 'ann@example.com' }),
      settings: { businessUnitID: SANDBOX_DEFAULTS.businessUnitId, ...extra },
      auth: {
        accessToken: SANDBOX_DEFAULTS.accessToken,
        refreshToken: SANDBOX_DEFAULTS.refreshToken,
        clientId: SANDBOX_DEFAULTS.clientId,
        clientSecret: SANDBOX_DEFAULTS.clientSecret,
        apiHost: 'https://evil.example',
        instanceUrl: 'https://evil.example'
      }
    })
    expect(body).toMatchObject({ ok: true, tokenRefreshed: true })
    // The upsert met the expired token, then went again with the new one; the refresh went to the sandbox too.
    const upsert = `${local.url}/pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail`
    expect(body.requests.map((r) => r.request.url)).toEqual([upsert, upsert])
    for (const { request } of body.requests) {
      expect(request.headers['pardot-business-unit-id']).toBe(SANDBOX_DEFAULTS.businessUnitId)
    }
    expect(local.sandbox?.stats().calls['POST /services/oauth2/token']).toBe(1)
  })

  it.each([
    ['isSandbox as a URL', { isSandbox: 'https://evil.example' }, '"settings.isSandbox" must be true or false.'],
    ['isDeveloperOrg as text', { isDeveloperOrg: 'false' }, '"settings.isDeveloperOrg" must be true or false.'],
    [
      'a business unit with a header smuggled after CRLF',
      { businessUnitID: `${SANDBOX_DEFAULTS.businessUnitId}\r\nHost: evil.example` },
      'holds a line break or another control character'
    ]
  ])('refuses %s before any request', async (_, settings, message) => {
    const { status, body } = await post('/prospects', {
      payload: identify({ email: 'ann@example.com' }),
      settings: { businessUnitID: SANDBOX_DEFAULTS.businessUnitId, ...settings }
    })
    expect(status).toBe(400)
    expect(body.error?.message).toContain(message)
    expect(body.requests ?? []).toEqual([])
    expect(local.sandbox?.stats().totalApiCalls).toBe(0)
  })

  it('uses a given mapping and reports each event of an array', async () => {
    const { body } = await post('/prospects', {
      payload: [identify({ email: 'a@example.com', nick: 'A' }), identify({ nick: 'no email' })],
      mapping: {
        email: { '@path': '$.traits.email' },
        firstName: { '@path': '$.traits.nick' },
        secondaryDeletedSearch: true
      }
    })
    expect(body.events?.map((e) => e.ok)).toEqual([true, false])
    expect(body.events?.[1].error?.message).toBe("The root value is missing the required field 'email'.")
    expect(await storedProspects()).toEqual([expect.objectContaining({ email: 'a@example.com', firstName: 'A' })])
  })

  it('reports the mapped payload, also when the event is refused', async () => {
    const sent = await post('/prospects', {
      payload: { type: 'track', event: 'Signed Up', properties: { email: 'p@example.com', company: 'Acme' } }
    })
    const batching = {
      normalizeEmail: false,
      enable_batching: false,
      batch_size: 10000,
      import_wait_seconds: 25,
      import_split_by_fields: false
    }
    expect(sent.body.payload).toEqual({
      email: 'p@example.com',
      company: 'Acme',
      secondaryDeletedSearch: true,
      ...batching
    })
    const refused = await post('/prospects', { payload: identify({ first_name: 'Ann' }) })
    expect(refused.body.payload).toEqual({ firstName: 'Ann', secondaryDeletedSearch: true, ...batching })
    const each = await post('/prospects', {
      payload: [identify({ email: 'a@example.com' }), identify({ email: 'b@example.com' })],
      mapping: { email: { '@path': '$.traits.email' } }
    })
    expect(each.body.payload).toEqual([{ email: 'a@example.com' }, { email: 'b@example.com' }])
    const many = await post('/prospects', {
      payload: Array.from({ length: 101 }, (_, i) => identify({ email: `m${i}@example.com` })),
      mapping: { email: { '@path': '$.traits.email' } }
    })
    expect(many.body.events).toHaveLength(101)
    expect(many.body.payload).toBeUndefined()
  })

  it('never shows a token or secret in its answers', async () => {
    await fetch(`${local.url}/sandbox/expire-tokens`, { method: 'POST' })
    const { body } = await post('/prospects', { payload: identify({ email: 'ann@example.com' }) })
    const text = JSON.stringify(body)
    expect(text).not.toContain(SANDBOX_DEFAULTS.accessToken)
    expect(text).not.toContain(SANDBOX_DEFAULTS.refreshToken)
    expect(text).not.toContain(SANDBOX_DEFAULTS.clientSecret)
    expect(text).not.toMatch(/sandbox-at-/)
  })
})

describe('batches through the local server', () => {
  beforeEach(async () => {
    local = await startLocalServer({ port: 0 })
  })

  it('lands every prospect of a batch with one Import API call per batch', async () => {
    const payload = Array.from({ length: 2500 }, (_, i) =>
      identify({ email: `user${i}@example.com`, first_name: `U${i}` })
    )
    const { body } = await post('/prospects', {
      payload,
      mapping: { enable_batching: true, batch_size: 1000 },
      useDefaultMappings: true
    })
    expect(body.ok).toBe(true)
    expect(body.events).toHaveLength(2500)
    const prospects = await storedProspects()
    expect(prospects).toHaveLength(2500)
    expect(prospects[2499]).toMatchObject({ email: 'user2499@example.com', firstName: 'U2499' })
    // One create per batch, and one poll each: the sandbox's import has ended by the first poll (after 2 s).
    expect(local.sandbox?.stats()).toMatchObject({
      calls: { 'POST /api/v5/imports': 3, 'GET /api/v5/imports/:id': 3 },
      totalApiCalls: 6
    })
  })
})

describe('reliability', () => {
  const burst = (n: number) => Array.from({ length: n }, (_, i) => identify({ email: `burst${i}@example.com` }))

  it('keeps at most 5 requests in flight per business unit, so a burst never meets code 66', async () => {
    local = await startLocalServer({ port: 0, sandbox: { latencyMs: 20 } })
    const { body } = await post('/prospects', { payload: burst(40) })
    expect(body.ok).toBe(true)
    const stats = local.sandbox?.stats()
    // Counted as requests arrive, before the sandbox's own limit could turn any away.
    expect(stats?.maxInFlightArrived[SANDBOX_DEFAULTS.businessUnitId]).toBe(5)
    expect(stats?.answers['66']).toBeUndefined()
    expect(await storedProspects()).toHaveLength(40)
  })

  it('shows a server that sends more than 5 at once: the arrival peak passes 5 and code 66 follows', async () => {
    local = await startLocalServer({
      port: 0,
      maxConcurrency: 12,
      sandbox: { latencyMs: 50 },
      retry: { attempts: 10, baseDelayMs: 5, maxDelayMs: 20, budgetMs: 5000 }
    })
    await post('/prospects', { payload: burst(24) })
    const stats = local.sandbox?.stats()
    expect(stats?.maxInFlightArrived[SANDBOX_DEFAULTS.businessUnitId]).toBeGreaterThan(5)
    expect(stats?.maxInFlightAdmitted[SANDBOX_DEFAULTS.businessUnitId]).toBe(5)
    expect(stats?.answers['66']).toBeGreaterThan(0)
  })

  it('retries transient failures with backoff and delivers every event', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { faults: { rate5xx: 0.3, rate66: 0.1, seed: 3 } },
      retry: { attempts: 8, baseDelayMs: 5, maxDelayMs: 20, budgetMs: 5000 }
    })
    const { body } = await post('/prospects', { payload: burst(30) })
    expect(body.ok).toBe(true)
    expect(body.retries).toBeGreaterThan(0)
    expect(await storedProspects()).toHaveLength(30)
  })

  it('reports an event as retryable, never final, once the retries are spent', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { faults: { rate5xx: 1 } },
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10, budgetMs: 1000 }
    })
    const { status, body } = await post('/prospects', { payload: identify({ email: 'a@example.com' }) })
    expect(status).toBe(503)
    expect(body.retries).toBe(2)
    expect(body.error).toMatchObject({ status: 503, retryable: true })
    expect(body.error?.message).toContain(
      '(code 183, HTTP 500): An internal error occurred, please try your request again.'
    )
  })

  it.each([
    ['code 66 (too many requests at once)', { faults: { rate66: 1 } }, 429, '(code 66'],
    ['code 122 (daily quota used up)', { dailyQuota: 0 }, 429, '(code 122'],
    [
      '5xx',
      { faults: { rate5xx: 1 } },
      503,
      '(code 183, HTTP 500): An internal error occurred, please try your request again.'
    ]
  ])('gives up on %s once the retries are spent, reporting it retryable', async (_, sandbox, status, message) => {
    local = await startLocalServer({
      port: 0,
      sandbox,
      retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 10, budgetMs: 1000, quotaPauseMs: 1 }
    })
    const { status: answered, body } = await post('/prospects', { payload: identify({ email: 'a@example.com' }) })
    expect(answered).toBe(status)
    expect(body.retries).toBe(2)
    expect(body.error).toMatchObject({ status, retryable: true })
    expect(body.error?.message).toContain(message)
    expect(await storedProspects()).toEqual([])
  })

  it('gives up at the deadline while the business unit is paused for its quota, reporting it retryable', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { dailyQuota: 0 },
      // The pause (10 s) outlasts the deadline, so only the deadline can end the wait.
      retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 10, budgetMs: 60_000, quotaPauseMs: 10_000, deadlineMs: 300 }
    })
    const { status, body } = await post('/prospects', { payload: burst(8) })
    expect(status).toBe(200)
    expect(body.events?.every((e) => e.error?.retryable === true && e.error.status === 504)).toBe(true)
    expect(body.events?.[0].error?.message).toContain("Not delivered within the server's 0.3 s deadline")
    // The events that met the quota themselves say so; those that only waited say what they waited for.
    expect(body.events?.some((e) => e.error?.message.includes('Last answer: Pardot answered (code 122'))).toBe(true)
    expect(body.events?.some((e) => e.error?.message.includes('the business unit is paused'))).toBe(true)
  })

  it('gives up at the deadline while waiting in line for a slot, reporting it retryable', async () => {
    local = await startLocalServer({
      port: 0,
      maxConcurrency: 1,
      sandbox: { latencyMs: 400 },
      retry: { ...DEFAULT_RETRY, deadlineMs: 250 }
    })
    const { body } = await post('/prospects', { payload: burst(3) })
    const messages = body.events?.map((e) => e.error?.message ?? 'delivered')
    expect(messages?.[1]).toContain('while it waited for a free slot of its business unit')
    expect(messages?.[2]).toContain('while it waited for a free slot of its business unit')
    expect(body.events?.every((e) => !e.ok && e.error?.retryable)).toBe(true)
  })

  it('gives up at the deadline when Pardot does not answer, reporting it retryable', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { faults: { rateSlow: 1, slowMs: 1500 } },
      retry: { ...DEFAULT_RETRY, deadlineMs: 200 }
    })
    const { status, body } = await post('/prospects', { payload: identify({ email: 'a@example.com' }) })
    expect(status).toBe(504)
    expect(body.error).toMatchObject({ status: 504, code: 'DEADLINE_EXCEEDED', retryable: true })
    expect(body.error?.message).toContain('Pardot had not answered yet')
  })

  it('pauses the business unit on code 122 instead of letting every event hammer the quota', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { dailyQuota: 0 },
      retry: { attempts: 10, baseDelayMs: 10, maxDelayMs: 20, budgetMs: 5000, quotaPauseMs: 150 }
    })
    // The quota comes back once the first request has met it (not after a fixed time, which a slow machine can
    // outlast before any request arrives).
    const restored = (async () => {
      const until = Date.now() + 10_000
      while (local.sandbox?.stats().answers['122'] === undefined && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 5))
      }
      local.sandbox?.configure({ dailyQuota: 1000 })
    })()
    const { body } = await post('/prospects', { payload: burst(30) })
    await restored
    expect(body.ok).toBe(true)
    expect(await storedProspects()).toHaveLength(30)
    // Only the requests already in flight when the quota ran out met it; the rest waited.
    expect(local.sandbox?.stats().answers['122']).toBeLessThanOrEqual(5)
  })

  it.each([
    [-1, 'Batch Size must be equal to or greater than 1.'],
    [0, 'Batch Size must be equal to or greater than 1.'],
    ['abc', 'Batch Size must be a number but it was a string.'],
    [100_001, 'Batch Size must be equal to or less than 100000.']
  ])('answers a batch with batch_size %p, refusing each event with the reason', async (size, message) => {
    local = await startLocalServer({ port: 0 })
    const { body } = await post('/prospects', {
      payload: burst(3),
      mapping: { enable_batching: true, batch_size: size },
      useDefaultMappings: true
    })
    expect(body.events?.map((e) => e.error?.message)).toEqual([message, message, message])
    expect(await storedProspects()).toEqual([])
  })

  it('sends a batch with a batch_size that is not a whole number in one import of the default size', async () => {
    local = await startLocalServer({ port: 0 })
    const { body } = await post('/prospects', {
      payload: burst(3),
      mapping: { enable_batching: true, batch_size: 1.5 },
      useDefaultMappings: true
    })
    expect(body.ok).toBe(true)
    expect(await storedProspects()).toHaveLength(3)
    expect(local.sandbox?.stats().calls['POST /api/v5/imports']).toBe(1)
  })

  it('retries a batch whose import call met the daily quota, once the quota allows', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { dailyQuota: 0 },
      retry: { attempts: 10, baseDelayMs: 20, maxDelayMs: 40, budgetMs: 5000, quotaPauseMs: 50 }
    })
    // The quota comes back once it has refused a call, however long the server takes to make the first one.
    const watch = setInterval(() => {
      if ((local.sandbox?.stats().answers['122'] ?? 0) === 0) return
      clearInterval(watch)
      local.sandbox?.configure({ dailyQuota: 100 })
    }, 10)
    const { body } = await post('/prospects', {
      payload: burst(50),
      mapping: { enable_batching: true, batch_size: 25, import_wait_seconds: 2 },
      useDefaultMappings: true
    })
    expect(body.ok).toBe(true)
    expect(body.retries).toBeGreaterThan(0)
    expect(await storedProspects()).toHaveLength(50)
  })
})

describe('the other routes', () => {
  beforeEach(async () => {
    local = await startLocalServer({ port: 0 })
  })

  it('GET /manifest describes the destination', async () => {
    const manifest = (await (await fetch(`${local.url}/manifest`)).json()) as Record<string, unknown>
    expect(manifest).toMatchObject({ name: 'Pardot (Actions)', slug: 'actions-pardot', mode: 'cloud' })
    expect(Object.keys(manifest.actions as object)).toContain('prospects')
  })

  it('POST /authenticate answers ok, or the actionable error', async () => {
    expect((await post('/authenticate', {})).body).toEqual({ ok: true })
    const bad = await post('/authenticate', { businessUnitID: '0Uv000000000002AAA' })
    expect(bad.body.ok).toBe(false)
    expect(bad.body.error as unknown as string).toContain('turn on Sandbox Instance')
  })

  it('POST /refreshAccessToken refreshes against the sandbox login host', async () => {
    const { body } = await post('/refreshAccessToken', {
      settings: { businessUnitID: SANDBOX_DEFAULTS.businessUnitId },
      refreshToken: SANDBOX_DEFAULTS.refreshToken,
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret
    })
    expect(body).toMatchObject({ ok: true, data: { accessToken: expect.stringMatching(/^sandbox-at-/) as string } })
  })

  it.each([
    ['bad JSON', '{"payload":', 400, 'The request body is not valid JSON'],
    [
      'a missing payload',
      { settings: {} },
      400,
      '"payload" must be a Segment event object or a non-empty array of them.'
    ],
    [
      'settings that are not an object',
      { payload: { type: 'identify' }, settings: 'x' },
      400,
      '"settings" must be an object'
    ]
  ])('answers %s with a clear 400', async (_, body, status, message) => {
    const answer = await post('/prospects', body)
    expect(answer.status).toBe(status)
    expect(answer.body.error?.message).toContain(message)
  })

  it('answers an unknown action with the routes it has', async () => {
    const answer = await post('/nope', { payload: {} })
    expect(answer.status).toBe(404)
    expect(answer.body.error?.message).toBe(
      'No action "nope". Routes: /manifest, /authenticate, /refreshAccessToken, /prospects, /externalActivity, /deleteProspect, /listMembership.'
    )
  })
})

describe('pointed at real Pardot', () => {
  it('needs real settings and credentials, and never calls the sandbox', async () => {
    local = await startLocalServer({ port: 0, target: 'pardot', apiKey: 'e2e-test-key-0123456789' })
    expect(local.sandbox).toBeUndefined()
    const res = await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer e2e-test-key-0123456789' },
      body: JSON.stringify({ payload: identify({ email: 'a@example.com' }) })
    })
    const answer = { status: res.status, body: (await res.json()) as DeliveryReport }
    expect(answer.status).toBe(400)
    expect(answer.body.error?.message).toBe('The target is real Pardot: send "auth" with accessToken and refreshToken.')
  })
})

describe('stopping', () => {
  it('lets a delivery being handled finish, sandbox calls included, and turns new calls away', async () => {
    local = await startLocalServer({ port: 0, maxConcurrency: 1, sandbox: { latencyMs: 300 } })
    // Two events, one at a time: the second reaches the sandbox only after stopping has begun.
    const inFlight = post('/prospects', {
      payload: [identify({ email: 'a@example.com' }), identify({ email: 'b@example.com' })]
    })
    while ((local.sandbox?.stats().totalApiCalls ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    const { sandbox } = local
    const stopped = local.close({ drainMs: 10_000 })
    const turnedAway = await post('/prospects', { payload: identify({ email: 'c@example.com' }) })
    expect(turnedAway.status).toBe(503)
    expect(turnedAway.body.error?.message).toBe('The local server is stopping; send this again once it is back.')
    const { body } = await inFlight
    expect(body.events?.map((e) => e.ok)).toEqual([true, true])
    await stopped
    expect(sandbox?.prospects().map((p) => p.email)).toEqual(['a@example.com', 'b@example.com'])
  })
})
