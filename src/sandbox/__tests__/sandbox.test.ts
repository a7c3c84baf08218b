import { request } from 'node:http'
import { SANDBOX_DEFAULTS, type PardotSandbox, type SandboxOptions } from '..'
import { SandboxUnderTest, type Call } from './harness'

const BU = SANDBOX_DEFAULTS.businessUnitId
const DEMO_BU = SANDBOX_DEFAULTS.demoBusinessUnitId
const UPSERT = '/api/v5/objects/prospects/do/upsertLatestByEmail'

let running: SandboxUnderTest | undefined
let base = ''
let sandbox: PardotSandbox

async function start(options: SandboxOptions = {}) {
  running = await SandboxUnderTest.start(options)
  sandbox = running.sandbox
  base = running.base
}

afterEach(async () => {
  await running?.close()
  running = undefined
})

const call = (path: string, options?: Call) => (running as SandboxUnderTest).call(path, options)

const upsert = (matchEmail: string, prospect: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  call(UPSERT, { method: 'POST', body: { matchEmail, prospect, ...extra } })

describe('upsertLatestByEmail', () => {
  beforeEach(() => start())

  it('creates a prospect, then updates it', async () => {
    const first = await upsert('ann@example.com', { firstName: 'Ann' })
    expect(first).toEqual({ status: 200, body: { id: 1000, email: 'ann@example.com' } })
    await upsert('ann@example.com', { lastName: 'Lee' })
    expect(sandbox.prospects()).toEqual([
      { id: 1000, businessUnitId: BU, isDeleted: false, email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' }
    ])
  })

  it('matches emails case-sensitively', async () => {
    await upsert('ann@example.com')
    await upsert('Ann@example.com')
    expect(sandbox.prospects().map((p) => p.email)).toEqual(['ann@example.com', 'Ann@example.com'])
  })

  it('updates the prospect with the latest activity when several share the email', async () => {
    const a = await call('/api/v5/objects/prospects?fields=id', { method: 'POST', body: { email: 'dup@example.com' } })
    const b = await call('/api/v5/objects/prospects?fields=id', { method: 'POST', body: { email: 'dup@example.com' } })
    await call(`/api/v5/objects/prospects/${String(a.body.id)}`, { method: 'PATCH', body: { company: 'touched' } })
    const answer = await upsert('dup@example.com', { firstName: 'Latest' }, { fields: ['id', 'firstName'] })
    expect(answer.body).toEqual({ id: a.body.id, firstName: 'Latest' })
    expect(b.body.id).not.toEqual(a.body.id)
  })

  it('restores a deleted prospect with secondaryDeletedSearch, and creates a new one without', async () => {
    const created = await upsert('gone@example.com')
    await call(`/api/v5/objects/prospects/${String(created.body.id)}`, { method: 'DELETE' })
    const restored = await upsert('gone@example.com', {}, { secondaryDeletedSearch: true })
    expect(restored.body.id).toBe(created.body.id)
    expect(sandbox.prospects()).toHaveLength(1)
    await call(`/api/v5/objects/prospects/${String(created.body.id)}`, { method: 'DELETE' })
    const fresh = await upsert('gone@example.com', {}, { secondaryDeletedSearch: false })
    expect(fresh.body.id).not.toBe(created.body.id)
  })

  it('changes the email when prospect.email differs from matchEmail', async () => {
    await upsert('old@example.com')
    await upsert('old@example.com', { email: 'new@example.com' })
    expect(sandbox.prospects().map((p) => p.email)).toEqual(['new@example.com'])
  })

  it.each([
    ['an unknown property', { favourite: 'x' }, 400, 154, 'Invalid property specified: favourite'],
    ['an unknown custom field', { Nope__c: 'x' }, 400, 154, 'Invalid property specified: Nope__c'],
    ['a read-only field', { grade: 'A' }, 400, 180, 'The field grade is not writable'],
    ['a bad email in the prospect', { email: 'not-an-email' }, 400, 4, 'Invalid prospect email address'],
    ['text in a number custom field', { Seats__c: 'many' }, 400, 56, 'Invalid number for Seats__c'],
    ['a malformed date', { Birthday__c: '12/31/1990' }, 400, 57, 'Invalid date for Birthday__c'],
    // A value Pardot does not take is the registry's 154 ("Invalid property in request"); 151 is a content type.
    ['text in a boolean field', { isDoNotCall: 'yes' }, 400, 154, 'Invalid boolean for isDoNotCall'],
    ['an object as a value', { city: { name: 'Austin' } }, 400, 154, 'Invalid value for city: expected a scalar'],
    [
      'a text value over 255 characters',
      { jobTitle: 'x'.repeat(256) },
      400,
      154,
      'The value of jobTitle is 256 characters long; at most 255 are allowed'
    ]
  ])('refuses %s', async (_, prospect, status, code, message) => {
    expect(await upsert('ann@example.com', prospect)).toEqual({ status, body: { code, message } })
  })

  it('accepts known custom fields', async () => {
    await upsert('ann@example.com', { Plan__c: 'pro', Seats__c: 3, Birthday__c: '1990-12-31', Interests__c: 'a;b' })
    expect(sandbox.prospects()[0]).toMatchObject({ Plan__c: 'pro', Seats__c: 3, Birthday__c: '1990-12-31' })
  })

  it('refuses a missing matchEmail with the registry’s 153, in its words', async () => {
    expect(await call(UPSERT, { method: 'POST', body: { prospect: {} } })).toEqual({
      status: 400,
      body: { code: 153, message: 'Missing required property in request' }
    })
  })

  it('refuses a bad matchEmail with code 4', async () => {
    expect((await upsert('nope')).body).toEqual({ code: 4, message: 'Invalid prospect email address' })
  })
})

describe('prospect CRUD and query', () => {
  beforeEach(() => start())

  it('reads, updates and deletes by id', async () => {
    const created = await call('/api/v5/objects/prospects?fields=id,email', {
      method: 'POST',
      body: { email: 'a@example.com' }
    })
    expect(created.status).toBe(201)
    const path = `/api/v5/objects/prospects/${String(created.body.id)}`
    expect((await call(`${path}?fields=email,firstName`)).body).toEqual({ email: 'a@example.com', firstName: null })
    expect((await call(path, { method: 'PATCH', body: { firstName: 'A' } })).status).toBe(204)
    expect((await call(`${path}?fields=firstName`, { method: 'PATCH', body: { lastName: 'B' } })).body).toEqual({
      firstName: 'A'
    })
    expect((await call(path, { method: 'DELETE' })).status).toBe(204)
    expect((await call(path, { method: 'PATCH', body: { firstName: 'C' } })).body).toMatchObject({ code: 219 })
  })

  it('answers 404 code 109 for an unknown id', async () => {
    expect(await call('/api/v5/objects/prospects/999999?fields=id')).toEqual({
      status: 404,
      body: { code: 109, message: 'The requested record was not found.' }
    })
  })

  it('requires fields on reads and queries (code 13)', async () => {
    expect((await call('/api/v5/objects/prospects')).body).toMatchObject({ code: 13 })
  })

  it('stores nothing when a create is refused for a missing fields parameter (code 13)', async () => {
    const answer = await call('/api/v5/objects/prospects', { method: 'POST', body: { email: 'a@example.com' } })
    expect(answer).toEqual({ status: 400, body: { code: 13, message: 'One or more required parameters are missing' } })
    expect(sandbox.prospects()).toEqual([])
  })

  it('answers 400, not 500, to a malformed percent-escape in the path', async () => {
    const answer = await call('/api/v5/objects/prospects/%zz?fields=id')
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ code: 150, message: expect.stringContaining('%zz') as string })
  })

  it('refuses more than 3 filters (code 209)', async () => {
    const q = '/api/v5/objects/prospects?fields=id&email=a&salesforceId=b&idList=1&idGreaterThan=0'
    expect((await call(q)).body).toMatchObject({ code: 209 })
  })

  it('filters by email and salesforceId, and pages', async () => {
    for (let i = 0; i < 5; i++) await upsert(`p${i}@example.com`, { salesforceId: i === 3 ? '00Q3' : `00Q${i}x` })
    expect((await call('/api/v5/objects/prospects?fields=email&salesforceId=00Q3')).body.values).toEqual([
      { email: 'p3@example.com' }
    ])
    const page1 = await call('/api/v5/objects/prospects?fields=id&limit=2')
    expect(page1.body.values).toHaveLength(2)
    const token = encodeURIComponent(String(page1.body.nextPageToken))
    const page2 = await call(`/api/v5/objects/prospects?fields=id&nextPageToken=${token}`)
    expect(page2.body.values).toHaveLength(2)
    expect(page2.body.values).not.toEqual(page1.body.values)
  })
})

describe('headers checked like Pardot', () => {
  beforeEach(() => start())

  it('answers 181 without a business unit header', async () => {
    expect(await call(UPSERT, { method: 'POST', body: {}, bu: null })).toEqual({
      status: 400,
      body: { code: 181, message: 'A required header is missing' }
    })
  })

  it('answers 201 for an unknown business unit', async () => {
    expect((await call(UPSERT, { method: 'POST', body: {}, bu: '0Uv00000000000XAAA' })).body).toMatchObject({
      code: 201
    })
  })

  it('answers 201 for a business unit asked on the wrong host', async () => {
    expect((await call(UPSERT, { method: 'POST', body: {}, bu: DEMO_BU })).body).toMatchObject({ code: 201 })
    const onDemo = await call(`/pi.demo.pardot.com${UPSERT}`, {
      method: 'POST',
      body: { matchEmail: 'a@example.com', prospect: {} },
      bu: DEMO_BU
    })
    expect(onDemo.status).toBe(200)
    expect((await call(`/pi.demo.pardot.com${UPSERT}`, { method: 'POST', body: {}, bu: BU })).body).toMatchObject({
      code: 201
    })
  })

  it.each([
    ['no token', null],
    ['an unknown token', 'made-up']
  ])('answers 401 code 184 for %s', async (_, token) => {
    expect(await call(UPSERT, { method: 'POST', body: {}, token })).toEqual({
      status: 401,
      body: { code: 184, message: 'access_token is invalid, unknown, or malformed: Inactive token' }
    })
  })
})

describe('limits like Pardot', () => {
  it('answers code 66 to the 6th concurrent request of one business unit', async () => {
    await start({ latencyMs: 150 })
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => upsert(`c${i}@example.com`)))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5)
    expect(answers.filter((a) => a.body.code === 66)).toHaveLength(1)
    // The sixth arrived while five were running: the arrival peak shows it, the peak let through cannot.
    expect(sandbox.stats()).toMatchObject({ maxInFlightArrived: { [BU]: 6 }, maxInFlightAdmitted: { [BU]: 5 } })
  })

  it('answers latencyMs after a call arrives, never sooner, the time its body took to come in included', async () => {
    await start({ latencyMs: 200 })
    const body = JSON.stringify({ matchEmail: 'slow@example.com', prospect: { email: 'slow@example.com' } })
    const sent = performance.now()
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}${UPSERT}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${SANDBOX_DEFAULTS.accessToken}`,
          'pardot-business-unit-id': BU
        }
      })
      req.on('response', (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject)
      // Half the body now, the rest 150 ms later: the call arrived with its headers.
      req.write(body.slice(0, 10))
      setTimeout(() => req.end(body.slice(10)), 150)
    })
    const took = performance.now() - sent
    expect(status).toBe(200)
    expect(took).toBeGreaterThanOrEqual(200)
    // Counted from when the body was in, it would be 350 ms or more.
    expect(took).toBeLessThan(330)
  })

  it('applies a call as it arrives and answers it once its latency is up', async () => {
    await start({ latencyMs: 300 })
    const sent = performance.now()
    const answer = upsert('early@example.com')
    await new Promise((resolve) => setTimeout(resolve, 100))
    // Stored already, though its caller has no answer yet.
    expect(sandbox.prospects().map((p) => p.email)).toEqual(['early@example.com'])
    expect((await answer).status).toBe(200)
    expect(performance.now() - sent).toBeGreaterThanOrEqual(300)
  })

  it('counts requests on arrival, so one turned away for its token still shows in the arrival peak', async () => {
    await start({ latencyMs: 400 })
    const running = [upsert('a@example.com'), upsert('b@example.com')]
    // Sent once the other two are surely being answered (400 ms each), so the three overlap.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const refused = await call(UPSERT, { method: 'POST', body: {}, token: 'made-up' })
    expect([refused.status, ...(await Promise.all(running)).map((a) => a.status)]).toEqual([401, 200, 200])
    expect(sandbox.stats()).toMatchObject({ maxInFlightArrived: { [BU]: 3 }, maxInFlightAdmitted: { [BU]: 2 } })
  })

  it('answers code 122 once the daily quota is used, until it is raised', async () => {
    await start({ dailyQuota: 2 })
    expect((await upsert('a@example.com')).status).toBe(200)
    expect((await upsert('b@example.com')).status).toBe(200)
    expect(await upsert('c@example.com')).toEqual({
      status: 400,
      body: { code: 122, message: 'Daily API rate limit met' }
    })
    await fetch(`${base}/sandbox/config`, { method: 'POST', body: JSON.stringify({ dailyQuota: 10 }) })
    expect((await upsert('c@example.com')).status).toBe(200)
  })

  it('injects faults at the configured rates, repeatably by seed', async () => {
    const run = async () => {
      await start({ faults: { rate5xx: 0.2, rate66: 0.2, seed: 7 } })
      const statuses: unknown[] = []
      for (let i = 0; i < 40; i++) statuses.push((await upsert(`f${i}@example.com`)).body.code ?? 'ok')
      await running?.close()
      running = undefined
      return statuses
    }
    const first = await run()
    expect(first.filter((c) => c === 183).length).toBeGreaterThan(2)
    expect(first.filter((c) => c === 66).length).toBeGreaterThan(2)
    expect(await run()).toEqual(first)
    expect(sandbox.stats().injected['66']).toBe(first.filter((c) => c === 66).length)
  })
})

describe('admin routes', () => {
  beforeEach(() => start())

  it('counts every call by endpoint', async () => {
    await upsert('a@example.com')
    await upsert('b@example.com')
    await call('/api/v5/objects/prospects?fields=id')
    const stats = (await (await fetch(`${base}/sandbox/stats`)).json()) as Record<string, unknown>
    expect(stats).toMatchObject({
      calls: { [`POST ${UPSERT}`]: 2, 'GET /api/v5/objects/prospects': 1 },
      totalApiCalls: 3
    })
  })

  it('lists prospects as JSON and resets', async () => {
    await upsert('a@example.com', { firstName: 'A' })
    expect(await (await fetch(`${base}/sandbox/prospects`)).json()).toEqual([
      { id: 1000, businessUnitId: BU, isDeleted: false, email: 'a@example.com', firstName: 'A' }
    ])
    expect((await fetch(`${base}/sandbox/reset`, { method: 'POST' })).status).toBe(204)
    expect(await (await fetch(`${base}/sandbox/prospects`)).json()).toEqual([])
    expect(sandbox.stats().totalApiCalls).toBe(0)
  })
})
