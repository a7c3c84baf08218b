import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import { postJson } from './post-json'

let local: LocalServer

beforeEach(async () => {
  local = await startLocalServer({ port: 0 })
})

afterEach(async () => {
  await local.close()
})

const post = async (body: unknown) => (await postJson(`${local.url}/prospects`, body)).body

const identify = (traits: Record<string, unknown>) => ({ type: 'identify', userId: 'u1', traits })
// A short Import Wait: the sandbox takes 100 ms per import, and the first poll comes after 8% of the wait.
const batching = { enable_batching: true, batch_size: 1000, import_wait_seconds: 2 }

/** Sends events one by one (batching off) or as one batch, with the default mappings plus `mapping`. */
function send(events: ReturnType<typeof identify>[], batched: boolean, mapping: Record<string, unknown> = {}) {
  return post({
    payload: events,
    mapping: { ...(batched ? batching : { enable_batching: false }), ...mapping },
    useDefaultMappings: true
  })
}

async function stored(): Promise<Record<string, unknown>[]> {
  return (await (await fetch(`${local.url}/sandbox/prospects`)).json()) as Record<string, unknown>[]
}

/** A prospect's fields without what differs between two prospects by nature (id, email, timestamps). */
function fieldsOf(prospect: Record<string, unknown> | undefined): Record<string, unknown> {
  const { id: _id, email: _email, createdAt: _c, updatedAt: _u, ...rest } = prospect ?? {}
  return rest
}

describe('a batch lands in the sandbox exactly as the same events sent one by one', () => {
  it('clears a field given as null in Other Fields, as in single mode', async () => {
    const first = [
      identify({ email: 'single@example.com', first_name: 'Ann', company: 'Acme' }),
      identify({ email: 'batch@example.com', first_name: 'Ann', company: 'Acme' })
    ]
    expect((await send(first, true)).ok).toBe(true)
    const clear = { customFields: { firstName: null } }
    expect((await send([identify({ email: 'single@example.com' })], false, clear)).ok).toBe(true)
    expect((await send([identify({ email: 'batch@example.com' })], true, clear)).ok).toBe(true)
    const [single, batch] = await stored()
    expect(fieldsOf(single)).toMatchObject({ firstName: null, company: 'Acme' })
    expect(fieldsOf(batch)).toEqual(fieldsOf(single))
  })

  it('keeps quotes, commas, line breaks and non-ASCII text intact, and text that looks like true stays text', async () => {
    const traits = { first_name: 'Ann, "the" first', company: 'true', title: 'Zoë & Søn 東京\r\nline two' }
    await send([identify({ email: 'single@example.com', ...traits })], false)
    const report = await send([identify({ email: 'batch@example.com', ...traits })], true)
    expect(report.requests.map((r) => r.request.url)).toEqual([
      `${local.url}/pi.pardot.com/api/v5/imports`,
      `${local.url}/pi.pardot.com/api/v5/imports/1?fields=id%2Cstatus%2CcreatedCount%2CupdatedCount%2CerrorCount`
    ])
    const [single, batch] = await stored()
    expect(fieldsOf(single)).toMatchObject({
      firstName: 'Ann, "the" first',
      company: 'true',
      jobTitle: 'Zoë & Søn 東京\r\nline two'
    })
    expect(fieldsOf(batch)).toEqual(fieldsOf(single))
  })

  it('applies two events for one email in event order, the later winning', async () => {
    const report = await send(
      [
        identify({ email: 'ann@example.com', first_name: 'Ann', company: 'Old' }),
        identify({ email: 'ann@example.com', company: 'New' })
      ],
      true
    )
    expect(report.events?.map((e) => e.ok)).toEqual([true, true])
    expect(report.requests.map((r) => r.request.method)).toEqual(['POST', 'GET'])
    expect(await stored()).toEqual([expect.objectContaining({ firstName: 'Ann', company: 'New' })])
  })

  it('restores a deleted prospect only for the events whose Search Deleted Prospects is on (those off are upserted)', async () => {
    await send([identify({ email: 'on@example.com' }), identify({ email: 'off@example.com' })], true)
    const before = await stored()
    for (const { id } of before) {
      await fetch(`${local.url}/pi.pardot.com/api/v5/objects/prospects/${String(id)}`, {
        method: 'DELETE',
        headers: {
          authorization: `Bearer ${SANDBOX_DEFAULTS.accessToken}`,
          'pardot-business-unit-id': SANDBOX_DEFAULTS.businessUnitId
        }
      })
    }
    const report = await send(
      [identify({ email: 'on@example.com', restore: true }), identify({ email: 'off@example.com', restore: false })],
      true,
      { secondaryDeletedSearch: { '@path': '$.traits.restore' } }
    )
    expect(report.requests.map((r) => [r.request.method, r.response.status])).toEqual([
      ['POST', 200],
      ['POST', 201],
      ['GET', 200]
    ])
    const after = await stored()
    const live = after.filter((p) => p.isDeleted === false)
    expect(live.map((p) => [p.email, before.some((b) => b.id === p.id)])).toEqual([
      ['on@example.com', true],
      ['off@example.com', false]
    ])
  })
})

describe('a batch over 10 MB', () => {
  it('goes as one import per file, each created Ready in one call, every prospect landed', async () => {
    const notes = 'x'.repeat(3_500_000)
    const events = ['a', 'b', 'c'].map((name) => identify({ email: `${name}@example.com`, notes }))
    const report = await send(events, true, {
      customFields: { comments: { '@path': '$.traits.notes' } },
      import_wait_seconds: 20
    })
    expect(report.events?.map((e) => e.ok)).toEqual([true, true, true])
    const creates = report.requests.filter((r) => r.request.method === 'POST')
    expect(creates.map((r) => [r.response.status, r.response.body])).toEqual([
      [201, { id: 1, status: 'Waiting' }],
      [201, { id: 2, status: 'Waiting' }]
    ])
    // Each import is polled until Complete: the last poll of each says so.
    const polls = report.requests.filter((r) => r.request.method === 'GET').map((r) => r.response.body)
    expect(polls.filter((body) => (body as { status?: string }).status === 'Complete')).toHaveLength(2)
    expect(local.sandbox?.stats().calls['POST /api/v5/imports']).toBe(2)
    const prospects = await stored()
    expect(prospects.map((p) => [p.email, (p.comments as string).length])).toEqual([
      ['a@example.com', 3_500_000],
      ['b@example.com', 3_500_000],
      ['c@example.com', 3_500_000]
    ])
    // 10 MB through HTTP twice takes several seconds on a busy machine (7-15 s seen with 2 shared cores).
  }, 30_000)
})
