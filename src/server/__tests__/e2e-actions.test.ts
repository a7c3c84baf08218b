import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import { postJson } from './post-json'

// Each action through the local server, against the embedded sandbox: the real request pipeline end to end.

let local: LocalServer

beforeEach(async () => {
  local = await startLocalServer({ port: 0 })
})

afterEach(async () => {
  await local.close()
})

const post = (path: string, body: unknown) => postJson(local.url + path, body)

async function admin<T>(path: string): Promise<T> {
  return (await (await fetch(`${local.url}/sandbox/${path}`)).json()) as T
}

type StoredProspect = { id: number; email: string; isDeleted: boolean } & Record<string, unknown>
const prospects = () => admin<StoredProspect[]>('prospects')

const identify = (traits: Record<string, unknown>) => ({ type: 'identify', userId: 'u1', traits })
const LEAD = '00Q5e00000AbCdEFGH'

describe('Upsert Prospect matching by id, through the local server', () => {
  it('changes the email of the prospect named by its Pardot prospect ID', async () => {
    await post('/prospects', { payload: identify({ email: 'old@example.com', first_name: 'Ann' }) })
    const [created] = await prospects()
    const { body } = await post('/prospects', {
      payload: identify({ email: 'new@example.com', pardot_id: created.id }),
      mapping: { prospectId: { '@path': '$.traits.pardot_id' } },
      useDefaultMappings: true
    })
    expect(body.ok).toBe(true)
    expect(body.requests.map((r) => `${r.request.method} ${r.response.status}`)).toEqual(['PATCH 204'])
    expect(await prospects()).toEqual([expect.objectContaining({ id: created.id, email: 'new@example.com' })])
  })

  it('answers a stale prospect ID with a final 404 that says what to do', async () => {
    const { status, body } = await post('/prospects', {
      payload: identify({ email: 'ann@example.com' }),
      mapping: { prospectId: '999' },
      useDefaultMappings: true
    })
    expect(status).toBe(404)
    expect(body.error).toMatchObject({ status: 404, code: 'PARDOT_109', retryable: false })
    expect(body.error?.message).toContain('Prospect 999 no longer exists in this business unit')
    expect(await prospects()).toEqual([])
  })

  it('updates the prospect synced with a Salesforce Lead, and upserts by email when none is', async () => {
    await post('/prospects', {
      payload: identify({ email: 'ann@example.com' }),
      mapping: { customFields: { salesforceId: LEAD } },
      useDefaultMappings: true
    })
    const matched = await post('/prospects', {
      payload: identify({ email: 'ann@example.com', title: 'CTO', sfid: LEAD }),
      mapping: { salesforceId: { '@path': '$.traits.sfid' } },
      useDefaultMappings: true
    })
    expect(matched.body.requests.map((r) => r.request.method)).toEqual(['GET', 'PATCH'])

    const fallback = await post('/prospects', {
      payload: identify({ email: 'Bob@Example.com ', sfid: '00Q5e00000ZZZZZZZZ' }),
      mapping: { salesforceId: { '@path': '$.traits.sfid' }, normalizeEmail: true },
      useDefaultMappings: true
    })
    expect(fallback.body.requests.map((r) => r.request.method)).toEqual(['GET', 'POST'])
    expect(await prospects()).toEqual([
      expect.objectContaining({ email: 'ann@example.com', jobTitle: 'CTO', salesforceId: LEAD }),
      expect.objectContaining({ email: 'bob@example.com' })
    ])
  })
})

describe('Send External Activity through the local server', () => {
  const track = (properties: Record<string, unknown>) => ({
    type: 'track',
    event: 'Webinar Attended',
    messageId: 'msg-42',
    // An hour before it is sent, as after a retry or a quota pause: the activity keeps this time.
    timestamp: '2026-01-31T09:30:00.000Z',
    properties
  })

  it('records the activity on the prospect in the sandbox', async () => {
    await post('/prospects', { payload: identify({ email: 'ann@example.com' }) })
    const { body } = await post('/externalActivity', {
      payload: track({ email: 'ann@example.com' }),
      mapping: { extension: 'Segment_Events', type: 'Webinar_Attended' },
      useDefaultMappings: true
    })
    expect(body.ok).toBe(true)
    expect(body.requests[0].request.body).toEqual({
      extension: 'Segment_Events',
      type: 'Webinar_Attended',
      value: 'msg-42',
      email: 'ann@example.com',
      activityDate: '2026-01-31T09:30:00+00:00'
    })
    expect(await admin('external-activities')).toEqual([
      expect.objectContaining({
        extension: 'Segment_Events',
        type: 'Webinar_Attended',
        value: 'msg-42',
        activityDate: '2026-01-31T09:30:00+00:00'
      })
    ])
  })

  it('says which Salesforce setup step an inactive activity type lacks', async () => {
    await post('/prospects', { payload: identify({ email: 'ann@example.com' }) })
    const { status, body } = await post('/externalActivity', {
      payload: track({ email: 'ann@example.com' }),
      mapping: { extension: 'Segment_Events', type: 'Trial_Started' },
      useDefaultMappings: true
    })
    expect(status).toBe(400)
    expect(body.error?.message).toBe(
      'Pardot answered (code 154, HTTP 400): Activity type Trial_Started is not active. A property in the request is not valid (a name or a value Pardot does not take). In Salesforce Setup → Marketing App Extensions, open the extension "Segment_Events", then its activity type "Trial_Started", and turn on Active in Automations.'
    )
    expect(await admin('external-activities')).toEqual([])
  })
})

describe('Delete Prospect through the local server', () => {
  async function createDirectly(email: string) {
    await fetch(`${local.url}/api/v5/objects/prospects?fields=id`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SANDBOX_DEFAULTS.accessToken}`,
        'pardot-business-unit-id': SANDBOX_DEFAULTS.businessUnitId,
        'content-type': 'application/json'
      },
      body: JSON.stringify({ email })
    })
  }

  it('moves every prospect with the email to the recycle bin and leaves the others', async () => {
    await createDirectly('ann@example.com')
    await createDirectly('ann@example.com')
    await createDirectly('bob@example.com')
    const { body } = await post('/deleteProspect', {
      payload: { type: 'track', event: 'Deletion Requested', properties: { email: 'ann@example.com' } },
      useDefaultMappings: true
    })
    expect(body.ok).toBe(true)
    expect(body.requests.map((r) => r.request.method)).toEqual(['GET', 'DELETE', 'DELETE'])
    expect((await prospects()).map((p) => [p.email, p.isDeleted])).toEqual([
      ['ann@example.com', true],
      ['ann@example.com', true],
      ['bob@example.com', false]
    ])
  })

  it("reads every page, following the sandbox's nextPageUrl on the local host, before the first delete", async () => {
    const sandbox = local.sandbox
    if (!sandbox) throw new Error('No embedded sandbox.')
    const ann = Array.from({ length: 201 }, () =>
      sandbox.state.prospects.create(SANDBOX_DEFAULTS.businessUnitId, { email: 'ann@example.com' })
    )
    sandbox.state.prospects.create(SANDBOX_DEFAULTS.businessUnitId, { email: 'Ann@example.com' })
    const { body } = await post('/deleteProspect', {
      payload: { type: 'track', event: 'Deletion Requested', properties: { email: 'ann@example.com' } },
      useDefaultMappings: true
    })
    expect(body.ok).toBe(true)
    const api = `${local.url}/pi.pardot.com/api/v5/objects/prospects`
    const [first, second, third] = body.requests.slice(0, 3).map((r) => `${r.request.method} ${r.request.url}`)
    expect([first, third]).toEqual([
      `GET ${api}?fields=id%2Cemail&email=ann%40example.com`,
      `DELETE ${api}/${ann[0].id}`
    ])
    // The second page: the sandbox's nextPageUrl, whose token holds the filter, so only the token and fields go.
    const next = new URL(second.replace(/^GET /, ''))
    expect(`GET ${next.origin}${next.pathname}`).toBe(`GET ${api}`)
    expect([...next.searchParams.keys()].sort()).toEqual(['fields', 'nextPageToken'])
    expect(next.searchParams.get('fields')).toBe('id,email')
    expect(body.requests.filter((r) => r.request.method === 'DELETE')).toHaveLength(201)
    expect((await prospects()).filter((p) => !p.isDeleted).map((p) => p.email)).toEqual(['Ann@example.com'])
  })

  it('refuses a blank email before any request, and deletes nothing', async () => {
    await createDirectly('ann@example.com')
    const { body } = await post('/deleteProspect', {
      payload: { type: 'track', event: 'Deletion Requested', properties: { email: '   ' } },
      useDefaultMappings: true
    })
    expect(body.error).toMatchObject({
      status: 400,
      message:
        'Email Address is empty. Map it to the prospect’s email, for example traits.email (identify) or properties.email (track).'
    })
    expect(body.requests).toEqual([])
    expect((await prospects()).map((p) => p.isDeleted)).toEqual([false])
  })

  it('succeeds when no prospect has the email', async () => {
    const { body } = await post('/deleteProspect', {
      payload: { type: 'identify', traits: { email: 'nobody@example.com' } },
      useDefaultMappings: true
    })
    expect(body).toMatchObject({ ok: true, status: 200 })
    expect(body.requests.map((r) => r.request.method)).toEqual(['GET'])
  })
})
