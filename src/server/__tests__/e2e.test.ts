import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { DeliveryReport } from '../deliver'

let local: LocalServer

afterEach(async () => {
  await local?.close()
})

async function post(
  path: string,
  body: unknown
): Promise<{ status: number; body: DeliveryReport & Record<string, unknown> }> {
  const res = await fetch(local.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as DeliveryReport & Record<string, unknown> }
}

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

  it('ignores settings that try to point elsewhere', async () => {
    const { body } = await post('/prospects', {
      payload: identify({ email: 'ann@example.com' }),
      settings: {
        businessUnitID: SANDBOX_DEFAULTS.businessUnitId,
        apiHost: 'https://evil.example',
        baseUrl: 'https://evil.example'
      }
    })
    expect(body.ok).toBe(true)
    expect(body.requests[0].request.url.startsWith(local.url)).toBe(true)
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
    const batching = { normalizeEmail: false, enable_batching: false, batch_size: 10000 }
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
    expect(local.sandbox?.stats()).toMatchObject({ calls: { 'POST /api/v5/imports': 3 }, totalApiCalls: 3 })
  })
})

describe('reliability', () => {
  const burst = (n: number) => Array.from({ length: n }, (_, i) => identify({ email: `burst${i}@example.com` }))

  it('keeps at most 5 requests in flight per business unit, so a burst never meets code 66', async () => {
    local = await startLocalServer({ port: 0, sandbox: { latencyMs: 20 } })
    const { body } = await post('/prospects', { payload: burst(40) })
    expect(body.ok).toBe(true)
    const stats = local.sandbox?.stats()
    expect(stats?.maxInFlight[SANDBOX_DEFAULTS.businessUnitId]).toBe(5)
    expect(stats?.answers['66']).toBeUndefined()
    expect(await storedProspects()).toHaveLength(40)
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
    expect(body.error?.message).toContain('(code 85, HTTP 503)')
  })

  it('pauses the business unit on code 122 instead of letting every event hammer the quota', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { dailyQuota: 0 },
      retry: { attempts: 10, baseDelayMs: 10, maxDelayMs: 20, budgetMs: 5000, quotaPauseMs: 150 }
    })
    setTimeout(() => local.sandbox?.configure({ dailyQuota: 1000 }), 100)
    const { body } = await post('/prospects', { payload: burst(30) })
    expect(body.ok).toBe(true)
    expect(await storedProspects()).toHaveLength(30)
    // Only the requests already in flight when the quota ran out met it; the rest waited.
    expect(local.sandbox?.stats().answers['122']).toBeLessThanOrEqual(5)
  })

  it('retries a batch whose import call met the daily quota, once the quota allows', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { dailyQuota: 0 },
      retry: { attempts: 10, baseDelayMs: 20, maxDelayMs: 40, budgetMs: 5000, quotaPauseMs: 50 }
    })
    setTimeout(() => local.sandbox?.configure({ dailyQuota: 100 }), 100)
    const { body } = await post('/prospects', {
      payload: burst(50),
      mapping: { enable_batching: true, batch_size: 25 },
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
    local = await startLocalServer({ port: 0, target: 'pardot' })
    expect(local.sandbox).toBeUndefined()
    const answer = await post('/prospects', { payload: identify({ email: 'a@example.com' }) })
    expect(answer.status).toBe(400)
    expect(answer.body.error?.message).toBe('The target is real Pardot: send "auth" with accessToken and refreshToken.')
  })
})
