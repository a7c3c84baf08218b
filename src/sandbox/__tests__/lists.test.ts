import { SANDBOX_DEFAULTS } from '..'
import { sandboxPerTest, type Call } from './harness'

const BU = SANDBOX_DEFAULTS.businessUnitId
const DEMO_BU = SANDBOX_DEFAULTS.demoBusinessUnitId
const LISTS = '/api/v5/objects/lists'
const MEMBERSHIPS = '/api/v5/objects/list-memberships'

const current = sandboxPerTest()

/** `host` stands for the Pardot host the request means (`/pi.demo.pardot.com`), as the destination sends it. */
const call = (path: string, { host = '', ...options }: Call & { host?: string } = {}) =>
  current().call(host + path, options)

async function prospect(email: string): Promise<number> {
  const answer = await call('/api/v5/objects/prospects/do/upsertLatestByEmail', {
    method: 'POST',
    body: { matchEmail: email, prospect: { email }, fields: ['id'] }
  })
  return answer.body.id as number
}

const join = (listId: number, prospectId: number, extra: Record<string, unknown> = {}) =>
  call(`${MEMBERSHIPS}?fields=id,listId,prospectId,optedOut`, {
    method: 'POST',
    body: { listId, prospectId, ...extra }
  })

describe('lists', () => {
  it('lists the business unit’s seed lists, static and dynamic, page by page', async () => {
    const first = await call(`${LISTS}?fields=id,name,isDynamic&limit=2`)
    expect(first.status).toBe(200)
    expect(first.body.values).toEqual([
      { id: 1001, name: 'Newsletter', isDynamic: false },
      { id: 1002, name: 'Customers', isDynamic: false }
    ])
    // An opaque token, and an absolute nextPageUrl on the host that was asked, carrying the token and fields only.
    const token = first.body.nextPageToken as string
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
    const nextUrl = new URL(first.body.nextPageUrl as string)
    expect(`${nextUrl.origin}${nextUrl.pathname}`).toBe(`https://pi.pardot.com${LISTS}`)
    expect([...nextUrl.searchParams.keys()].sort()).toEqual(['fields', 'nextPageToken'])
    const second = await call(`${LISTS}?${nextUrl.searchParams.toString()}`)
    expect(second.body).toEqual({
      values: [{ id: 1003, name: 'Engaged (dynamic)', isDynamic: true }],
      nextPageToken: null,
      nextPageUrl: null
    })
  })

  it('keeps each business unit’s lists apart', async () => {
    const demo = await call(`${LISTS}?fields=id`, { host: '/pi.demo.pardot.com', bu: DEMO_BU })
    expect(demo.body.values).toEqual([{ id: 2001 }, { id: 2002 }, { id: 2003 }])
    expect(await call(`${LISTS}/2001?fields=id`)).toEqual({
      status: 404,
      body: { code: 109, message: 'The requested record was not found.' }
    })
  })

  it('reads one list, and needs fields like every v5 read', async () => {
    expect((await call(`${LISTS}/1003?fields=id,name,isDynamic`)).body).toEqual({
      id: 1003,
      name: 'Engaged (dynamic)',
      isDynamic: true
    })
    expect(await call(`${LISTS}/1003`)).toEqual({
      status: 400,
      body: { code: 13, message: 'One or more required parameters are missing' }
    })
  })
})

describe('list memberships', () => {
  it('adds a prospect once: a second add answers code 58', async () => {
    const id = await prospect('ann@example.com')
    expect(await join(1001, id, { optedOut: true })).toEqual({
      status: 201,
      body: { id: 5000, listId: 1001, prospectId: id, optedOut: true }
    })
    expect(await join(1001, id)).toEqual({
      status: 400,
      body: { code: 58, message: 'That prospect is already a member of that list. Update the membership instead.' }
    })
    expect(current().sandbox.listMemberships()).toEqual([
      { id: 5000, businessUnitId: BU, listId: 1001, prospectId: id, optedOut: true }
    ])
  })

  it.each([
    ['a dynamic list', 1003, undefined, 400, 180, 'The memberships of a dynamic list cannot be changed'],
    ['an unknown list', 4242, undefined, 404, 109, 'The requested record was not found.'],
    ['another business unit’s list', 2001, undefined, 404, 109, 'The requested record was not found.'],
    ['an unknown prospect', 1001, 999999, 404, 109, 'The requested record was not found.'],
    ['a list id that is not a number', '1001', undefined, 400, 154, 'listId and prospectId must be integers'],
    ['no list id', undefined, undefined, 400, 153, 'listId and prospectId are required'],
    ['a null list id', null, undefined, 400, 153, 'listId and prospectId are required']
  ])('refuses %s', async (_, listId, prospectId, status, code, message) => {
    const id = await prospect('ann@example.com')
    const answer = await call(`${MEMBERSHIPS}?fields=id`, {
      method: 'POST',
      body: { listId, prospectId: prospectId ?? id }
    })
    expect(answer).toEqual({ status, body: { code, message } })
    expect(current().sandbox.listMemberships()).toEqual([])
  })

  it('finds memberships by list and prospect, and deletes them', async () => {
    const ann = await prospect('ann@example.com')
    const bob = await prospect('bob@example.com')
    await join(1001, ann)
    await join(1002, ann)
    await join(1001, bob)
    const found = await call(`${MEMBERSHIPS}?fields=id,listId,prospectId&listId=1001&prospectId=${ann}`)
    expect(found.body).toEqual({
      values: [{ id: 5000, listId: 1001, prospectId: ann }],
      nextPageToken: null,
      nextPageUrl: null
    })
    const onList = await call(`${MEMBERSHIPS}?fields=prospectId&listId=1001`)
    expect(onList.body.values).toEqual([{ prospectId: ann }, { prospectId: bob }])

    expect(await call(`${MEMBERSHIPS}/5000`, { method: 'DELETE' })).toEqual({ status: 204, body: undefined })
    expect(await call(`${MEMBERSHIPS}/5000`, { method: 'DELETE' })).toEqual({
      status: 404,
      body: { code: 109, message: 'The requested record was not found.' }
    })
    expect(
      current()
        .sandbox.listMemberships()
        .map((m) => [m.listId, m.prospectId])
    ).toEqual([
      [1002, ann],
      [1001, bob]
    ])
  })

  it('shows memberships on GET /sandbox/list-memberships and forgets them on reset', async () => {
    const ann = await prospect('ann@example.com')
    await join(1002, ann)
    const admin = async () => (await fetch(`${current().base}/sandbox/list-memberships`)).json() as Promise<unknown>
    expect(await admin()).toEqual([{ id: 5000, businessUnitId: BU, listId: 1002, prospectId: ann, optedOut: false }])
    await fetch(`${current().base}/sandbox/reset`, { method: 'POST' })
    expect(await admin()).toEqual([])
    expect((await call(`${LISTS}?fields=id`)).body.values).toEqual([{ id: 1001 }, { id: 1002 }, { id: 1003 }])
  })
})

describe('custom fields', () => {
  it('lists the seed custom fields with the requested fields, page by page', async () => {
    const first = await call('/api/v5/objects/custom-fields?fields=fieldId,type&limit=3')
    expect(first.body).toMatchObject({
      values: [
        { fieldId: 'Plan', type: 'Text' },
        { fieldId: 'Seats', type: 'Number' },
        { fieldId: 'Birthday', type: 'Date' }
      ]
    })
    const token = encodeURIComponent(first.body.nextPageToken as string)
    // `fields` may change from page to page; the token keeps the rest of the query (here `limit=3`).
    const second = await call(`/api/v5/objects/custom-fields?fields=id,name,fieldId,type&nextPageToken=${token}`)
    expect(second.body).toEqual({
      values: [{ id: 4, name: 'Interests', fieldId: 'Interests', type: 'Multi-Select' }],
      nextPageToken: null,
      nextPageUrl: null
    })
  })

  it('needs a valid token like every API call', async () => {
    const res = await fetch(`${current().base}/api/v5/objects/custom-fields?fields=id`, {
      headers: { authorization: 'Bearer nope', 'pardot-business-unit-id': BU }
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 184 })
  })
})
