import nock from 'nock'
import {
  createTestIntegration,
  IntegrationError,
  InvalidAuthenticationError,
  PayloadValidationError,
  RetryableError,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import definition from '../index'
import { auth, PROD_API, settings, UPSERT } from './helpers'

const testDestination = createTestIntegration(definition)

const LISTS = '/api/v5/objects/lists'
const MEMBERSHIPS = '/api/v5/objects/list-memberships'
const PROSPECTS = '/api/v5/objects/prospects'

// The list check is remembered per list for 10 minutes (memberships.ts), so each test uses its own list id.
let nextList = 500
let listId = 0

beforeEach(() => {
  listId = ++nextList
  testDestination.responses = []
  made = []
})

function staticList(id = listId, isDynamic = false, name = 'Newsletter') {
  return nock(PROD_API).get(`${LISTS}/${id}`).query({ fields: 'id,name,isDynamic' }).reply(200, { id, name, isDynamic })
}

/** Every request the action made, in order, as `METHOD url` with the JSON body it sent. */
function sent() {
  return made.map((r) => {
    const json = (r.options as { json?: unknown }).json
    return json === undefined ? `${r.request.method} ${r.url}` : [`${r.request.method} ${r.url}`, json]
  })
}

const identify = (traits: JSONObject, extra: Partial<SegmentEvent> = {}): Partial<SegmentEvent> => ({
  type: 'identify',
  traits,
  ...extra
})

/** The requests of the last event: testAction hands them back on success and leaves them on the destination on failure. */
let made: typeof testDestination.responses = []

async function run(event: Partial<SegmentEvent>, mapping: JSONObject = {}) {
  testDestination.responses = []
  try {
    made = await testDestination.testAction('listMembership', {
      event,
      settings,
      auth,
      mapping: { listId: String(listId), ...mapping },
      useDefaultMappings: true
    })
  } catch (error) {
    made = testDestination.responses
    throw error
  }
}

const url = (path: string) => `${PROD_API}${path}`

/** What perform answered for the last event. */
const outcome = () => testDestination.results[testDestination.results.length - 1]

describe('Update List Membership: add', () => {
  it('finds or creates the prospect by email, asking only for its id, then makes it a member', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).reply(201, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query({ fields: 'id' }).reply(201, { id: 9001 })

    await run(identify({ email: 'ann@example.com', first_name: 'Ann' }), { operation: 'add' })

    expect(sent()).toEqual([
      `GET ${url(`${LISTS}/${listId}?fields=id%2Cname%2CisDynamic`)}`,
      [
        `POST ${url(UPSERT)}`,
        { matchEmail: 'ann@example.com', prospect: { email: 'ann@example.com' }, fields: ['id'] }
      ],
      [`POST ${url(`${MEMBERSHIPS}?fields=id`)}`, { listId, prospectId: 42 }]
    ])
    expect(outcome()).toMatchObject({
      data: { operation: 'add', listId, prospectId: 42, result: 'added' }
    })
  })

  it('sends Opted Out with the membership', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).reply(201, { id: 9001 })

    await run(identify({ email: 'ann@example.com' }), { operation: 'add', optedOut: true })

    expect(sent()[2]).toEqual([`POST ${url(`${MEMBERSHIPS}?fields=id`)}`, { listId, prospectId: 42, optedOut: true }])
  })

  it('succeeds when the prospect is already a member (Pardot code 58)', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).reply(200, { id: 42 })
    nock(PROD_API)
      .post(MEMBERSHIPS)
      .query(true)
      .reply(400, { code: 58, message: 'Prospect is already a member of the list' })

    await run(identify({ email: 'ann@example.com' }), { operation: 'add' })

    expect(outcome()).toMatchObject({ data: { result: 'already-member', prospectId: 42 } })
  })

  it('checks a list once, then trusts it for the next events', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).times(2).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).times(2).reply(201, { id: 9001 })

    await run(identify({ email: 'ann@example.com' }), { operation: 'add' })
    expect(sent()).toHaveLength(3)
    await run(identify({ email: 'ann@example.com' }), { operation: 'add' })
    expect(sent()).toHaveLength(2)
    expect(nock.pendingMocks()).toEqual([])
  })

  it('fails, to be retried, when Pardot answers the upsert without the prospect id', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).reply(200, {})

    await expect(run(identify({ email: 'ann@example.com' }), { operation: 'add' })).rejects.toMatchObject({
      message:
        'Pardot found or created the prospect but did not answer its id, so it cannot be added to the list; the event will be retried.',
      status: 502
    })
  })

  it('keeps a 401 a 401, so the engine refreshes the token', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).reply(401, { code: 184, message: 'access_token is invalid' })

    const failure = run(identify({ email: 'ann@example.com' }), { operation: 'add' })
    await expect(failure).rejects.toBeInstanceOf(InvalidAuthenticationError)
    await expect(failure).rejects.toMatchObject({ status: 401 })
  })
})

describe('Update List Membership: remove', () => {
  const findProspects = (email: string) => nock(PROD_API).get(PROSPECTS).query({ fields: 'id,email', email })
  const prospects = (ids: number[], email = 'ann@example.com') => ids.map((id) => ({ id, email }))
  const membershipsOf = (prospectId: number) =>
    nock(PROD_API).get(MEMBERSHIPS).query({ fields: 'id,listId,prospectId', listId, prospectId })

  it('finds every prospect with the email (all pages) and deletes its membership of the list', async () => {
    staticList()
    findProspects('ann@example.com').reply(200, {
      values: prospects([42]),
      nextPageToken: 'p2',
      nextPageUrl: `${PROD_API}${PROSPECTS}?nextPageToken=p2`
    })
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ nextPageToken: 'p2' })
      .reply(200, { values: prospects([43]), nextPageToken: null, nextPageUrl: null })
    membershipsOf(42).reply(200, { values: [{ id: 9001, listId, prospectId: 42 }], nextPageToken: null })
    membershipsOf(43).reply(200, { values: [], nextPageToken: null })
    nock(PROD_API).delete(`${MEMBERSHIPS}/9001`).reply(204)

    await run(identify({ email: 'ann@example.com' }), { operation: 'remove' })

    expect(nock.pendingMocks()).toEqual([])
    expect(sent()).toEqual([
      `GET ${url(`${LISTS}/${listId}?fields=id%2Cname%2CisDynamic`)}`,
      `GET ${url(`${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`)}`,
      `GET ${url(`${PROSPECTS}?nextPageToken=p2`)}`,
      `GET ${url(`${MEMBERSHIPS}?fields=id%2ClistId%2CprospectId&listId=${listId}&prospectId=42`)}`,
      `DELETE ${url(`${MEMBERSHIPS}/9001`)}`,
      `GET ${url(`${MEMBERSHIPS}?fields=id%2ClistId%2CprospectId&listId=${listId}&prospectId=43`)}`
    ])
    expect(outcome()).toMatchObject({
      data: { operation: 'remove', listId, prospectIds: [42, 43], removedMemberships: [9001] }
    })
  })

  it('succeeds without creating anything when no prospect has the email', async () => {
    staticList()
    findProspects('nobody@example.com').reply(200, { values: [], nextPageToken: null })

    await run(identify({ email: 'nobody@example.com' }), { operation: 'remove' })

    expect(sent()).toHaveLength(2)
    expect(outcome()).toMatchObject({ data: { prospectIds: [], removedMemberships: [] } })
  })

  it('succeeds when the prospect is not on the list', async () => {
    staticList()
    findProspects('ann@example.com').reply(200, { values: prospects([42]), nextPageToken: null })
    membershipsOf(42).reply(200, { values: [], nextPageToken: null })

    await run(identify({ email: 'ann@example.com' }), { operation: 'remove' })

    expect(nock.pendingMocks()).toEqual([])
    expect(outcome()).toMatchObject({ data: { prospectIds: [42], removedMemberships: [] } })
  })

  it('succeeds when the membership is deleted meanwhile (Pardot answers not found)', async () => {
    staticList()
    findProspects('ann@example.com').reply(200, { values: prospects([42]), nextPageToken: null })
    membershipsOf(42).reply(200, { values: [{ id: 9001, listId, prospectId: 42 }], nextPageToken: null })
    nock(PROD_API).delete(`${MEMBERSHIPS}/9001`).reply(404, { code: 109, message: 'Record not found' })

    await run(identify({ email: 'ann@example.com' }), { operation: 'remove' })

    expect(outcome()).toMatchObject({ data: { removedMemberships: [] } })
  })

  it('removes only the prospects whose answered email is exactly the requested one', async () => {
    staticList()
    findProspects('ann@example.com').reply(200, {
      values: [...prospects([42]), ...prospects([43], 'Ann@example.com'), { id: 44, email: null }],
      nextPageToken: null
    })
    membershipsOf(42).reply(200, { values: [], nextPageToken: null })

    await run(identify({ email: 'ann@example.com' }), { operation: 'remove' })

    expect(sent()).toEqual([
      `GET ${url(`${LISTS}/${listId}?fields=id%2Cname%2CisDynamic`)}`,
      `GET ${url(`${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`)}`,
      `GET ${url(`${MEMBERSHIPS}?fields=id%2ClistId%2CprospectId&listId=${listId}&prospectId=42`)}`
    ])
    expect(outcome()).toMatchObject({ data: { prospectIds: [42], removedMemberships: [] } })
  })

  it.each([
    [
      '   ',
      'Email Address is empty. Map it to the prospect’s email, for example traits.email (identify) or properties.email (track).'
    ],
    ['not-an-email', 'Email Address "not-an-email" is not an email address.']
  ])('refuses the email %j before any request', async (email, message) => {
    const list = staticList()
    const query = nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .reply(200, { values: prospects([42]), nextPageToken: null })

    await expect(run(identify({ email }), { operation: 'remove' })).rejects.toMatchObject({ status: 400, message })

    expect(sent()).toEqual([])
    expect(list.isDone()).toBe(false)
    expect(query.isDone()).toBe(false)
    nock.cleanAll()
  })
})

describe('Update List Membership: Segment audiences', () => {
  const audience = { context: { personas: { computation_key: 'pardot_vips', computation_class: 'audience' } } }

  it('adds the prospect when an identify says it entered the audience', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).reply(201, { id: 9001 })

    await run(identify({ email: 'ann@example.com', pardot_vips: true }, audience))

    expect(outcome()).toMatchObject({ data: { operation: 'add', result: 'added' } })
  })

  it('removes the prospect when a track event says it exited the audience', async () => {
    staticList()
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, { values: [{ id: 42, email: 'ann@example.com' }], nextPageToken: null })
    nock(PROD_API)
      .get(MEMBERSHIPS)
      .query({ fields: 'id,listId,prospectId', listId, prospectId: 42 })
      .reply(200, { values: [{ id: 9001, listId, prospectId: 42 }], nextPageToken: null })
    nock(PROD_API).delete(`${MEMBERSHIPS}/9001`).reply(204)

    await run({
      type: 'track',
      event: 'Audience Exited',
      traits: undefined,
      properties: { email: 'ann@example.com', audience_key: 'pardot_vips', pardot_vips: false },
      ...audience
    })

    expect(nock.pendingMocks()).toEqual([])
    expect(sent()).toEqual([
      `GET ${url(`${LISTS}/${listId}?fields=id%2Cname%2CisDynamic`)}`,
      `GET ${url(`${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`)}`,
      `GET ${url(`${MEMBERSHIPS}?fields=id%2ClistId%2CprospectId&listId=${listId}&prospectId=42`)}`,
      `DELETE ${url(`${MEMBERSHIPS}/9001`)}`
    ])
    expect(outcome()).toMatchObject({ data: { operation: 'remove', removedMemberships: [9001] } })
  })

  it('adds the prospect of a track "Audience Entered" whose email is only in context.traits', async () => {
    staticList()
    nock(PROD_API)
      .post(UPSERT, { matchEmail: 'ann@example.com', prospect: { email: 'ann@example.com' }, fields: ['id'] })
      .reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS, { listId, prospectId: 42 }).query({ fields: 'id' }).reply(201, { id: 9001 })

    await run({
      type: 'track',
      event: 'Audience Entered',
      traits: undefined,
      properties: { audience_key: 'pardot_vips', pardot_vips: true },
      context: { traits: { email: 'ann@example.com' }, personas: audience.context.personas }
    })

    expect(nock.pendingMocks()).toEqual([])
    expect(sent()[1]).toEqual([
      `POST ${url(UPSERT)}`,
      { matchEmail: 'ann@example.com', prospect: { email: 'ann@example.com' }, fields: ['id'] }
    ])
    expect(outcome()).toMatchObject({ data: { operation: 'add', prospectId: 42, result: 'added' } })
  })

  it('lets a set Operation win over the audience', async () => {
    staticList()
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, { values: [], nextPageToken: null })

    await run(identify({ email: 'ann@example.com', pardot_vips: true }, audience), { operation: 'remove' })

    expect(outcome()).toMatchObject({ data: { operation: 'remove' } })
  })
})

describe('Update List Membership: refused before any write', () => {
  async function refused(event: Partial<SegmentEvent>, mapping: JSONObject = {}): Promise<IntegrationError> {
    try {
      await run(event, mapping)
    } catch (error) {
      return error as IntegrationError
    }
    throw new Error('The event was not refused.')
  }

  it('refuses an event that is not from an audience when Operation is not set', async () => {
    const error = await refused(identify({ email: 'ann@example.com' }))
    expect(error).toBeInstanceOf(PayloadValidationError)
    expect(error.message).toBe(
      'Operation is not set and the event does not come from a Segment audience (it has no context.personas.computation_key), so nothing says whether to add the prospect to the list or remove it. Set Operation to "add" or "remove".'
    )
    expect(sent()).toEqual([])
  })

  it.each([
    ['no audience trait', {}, 'have no "pardot_vips"'],
    [
      'a trait that is not true or false',
      { pardot_vips: 'yes' },
      'hold "pardot_vips" as something other than true or false'
    ]
  ])('refuses an audience event with %s when Operation is not set', async (_, traits, words) => {
    const error = await refused(
      identify({ email: 'ann@example.com', ...traits }, { context: { personas: { computation_key: 'pardot_vips' } } })
    )
    expect(error.message).toBe(
      `Operation is not set and the event comes from the audience "pardot_vips", but its traits or properties ${words}: true (entered) adds the prospect, false (exited) removes it. Check Traits or Properties, or set Operation.`
    )
    expect(sent()).toEqual([])
  })

  it('refuses a list id that is not a whole number', async () => {
    const error = await refused(identify({ email: 'ann@example.com' }), { operation: 'add', listId: 'Newsletter' })
    expect(error.message).toBe(
      'List must be the id of a Pardot list (a whole number, as the List dropdown gives it), not "Newsletter".'
    )
    expect(sent()).toEqual([])
  })

  it('refuses an Operation other than add or remove', async () => {
    const error = await refused(identify({ email: 'ann@example.com' }), { operation: 'toggle' })
    expect(error.message).toContain('Operation must be one of')
    expect(sent()).toEqual([])
  })

  it('gives a final error for a dynamic list, and writes nothing', async () => {
    staticList(listId, true, 'Engaged')
    const error = await refused(identify({ email: 'ann@example.com' }), { operation: 'add' })
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).toMatchObject({
      status: 400,
      code: 'PARDOT_DYNAMIC_LIST',
      message: `The Pardot list "Engaged" (id ${listId}) is a dynamic list: Pardot adds and removes its members by the list's criteria, and the API cannot change them. Choose a static list.`
    })
    expect(sent()).toHaveLength(1)
  })

  it.each(['add', 'remove'])('gives a final error for a list that does not exist (%s)', async (operation) => {
    nock(PROD_API).get(`${LISTS}/${listId}`).query(true).reply(404, { code: 109, message: 'Record not found' })
    const error = await refused(identify({ email: 'ann@example.com' }), { operation })
    expect(error).toMatchObject({
      status: 404,
      code: 'PARDOT_LIST_NOT_FOUND',
      message: `Pardot has no list with id ${listId} in business unit ${settings.businessUnitID}. Choose a list from the List dropdown (a deleted list must be restored from the recycle bin first).`
    })
    expect(sent()).toHaveLength(1)
  })

  it('does not remember a list that was not found: once restored, the next event uses it', async () => {
    nock(PROD_API).get(`${LISTS}/${listId}`).query(true).reply(404, { code: 109, message: 'Record not found' })
    await expect(run(identify({ email: 'ann@example.com' }), { operation: 'add' })).rejects.toMatchObject({
      code: 'PARDOT_LIST_NOT_FOUND'
    })

    staticList()
    nock(PROD_API).post(UPSERT).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).reply(201, { id: 9001 })
    await run(identify({ email: 'ann@example.com' }), { operation: 'add' })

    expect(nock.pendingMocks()).toEqual([])
    expect(outcome()).toMatchObject({ data: { operation: 'add', result: 'added' } })
  })

  it('gives the list error, and forgets the list, when it was deleted after it was checked', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).times(2).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).times(2).reply(201, { id: 9001 })
    await run(identify({ email: 'ann@example.com' }), { operation: 'add' })

    nock.cleanAll()
    nock(PROD_API).post(UPSERT).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).reply(404, { code: 109, message: 'Record not found' })
    nock(PROD_API).get(`${LISTS}/${listId}`).query(true).reply(404, { code: 109, message: 'Record not found' })
    const error = await refused(identify({ email: 'ann@example.com' }), { operation: 'add' })

    expect(error).toMatchObject({
      status: 404,
      code: 'PARDOT_LIST_NOT_FOUND',
      message: `Pardot has no list with id ${listId} in business unit ${settings.businessUnitID}. Choose a list from the List dropdown (a deleted list must be restored from the recycle bin first).`
    })
    expect(sent()).toEqual([
      [
        `POST ${url(UPSERT)}`,
        { matchEmail: 'ann@example.com', prospect: { email: 'ann@example.com' }, fields: ['id'] }
      ],
      [`POST ${url(`${MEMBERSHIPS}?fields=id`)}`, { listId, prospectId: 42 }],
      `GET ${url(`${LISTS}/${listId}?fields=id%2Cname%2CisDynamic`)}`
    ])

    // Forgotten: the next event checks the list again.
    nock(PROD_API).get(`${LISTS}/${listId}`).query(true).reply(404, { code: 109, message: 'Record not found' })
    await expect(run(identify({ email: 'ann@example.com' }), { operation: 'add' })).rejects.toMatchObject({
      code: 'PARDOT_LIST_NOT_FOUND'
    })
    expect(sent()).toEqual([`GET ${url(`${LISTS}/${listId}?fields=id%2Cname%2CisDynamic`)}`])
  })

  it('retries when the list exists but Pardot does not find the prospect it just created', async () => {
    staticList()
    nock(PROD_API).post(UPSERT).reply(200, { id: 42 })
    nock(PROD_API).post(MEMBERSHIPS).query(true).reply(404, { code: 109, message: 'Record not found' })
    staticList()

    const error = await refused(identify({ email: 'ann@example.com' }), { operation: 'add' })

    expect(error).toBeInstanceOf(RetryableError)
    expect(error).toMatchObject({
      status: 503,
      message: `Pardot did not find prospect 42, which it had just found or created, when adding it to list ${listId} (its reads can lag its writes by up to a minute); the event will be retried.`
    })
    expect(nock.pendingMocks()).toEqual([])
  })
})
