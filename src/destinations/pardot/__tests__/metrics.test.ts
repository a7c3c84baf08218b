import nock from 'nock'
import { createTestEvent, createTestIntegration, type StatsContext } from '@segment/actions-core'
import definition from '../index'
import { auth, PROD_API, settings, UPSERT } from './helpers'

/** What an operator sees through statsContext: names, values and tags, and never an email or a field value. */

const testDestination = createTestIntegration(definition)
const PLATFORM_TAGS = ['destination:actions-pardot', 'subscription:test']

type Call = { kind: 'incr' | 'histogram'; name: string; value?: number; tags?: string[] }

/** A stats client that records ours (actions-core sends its own too, such as response clone counts). */
function stats(): { statsContext: StatsContext; calls: Call[] } {
  const calls: Call[] = []
  const record = (call: Call) => void (call.name.startsWith('actions-pardot.') && calls.push(call))
  const statsClient = {
    incr: (name: string, value?: number, tags?: string[]) => record({ kind: 'incr', name, value, tags }),
    histogram: (name: string, value?: number, tags?: string[]) => record({ kind: 'histogram', name, value, tags }),
    set: () => undefined,
    observe: () => undefined,
    _name: (name: string) => name,
    _tags: (tags?: string[]) => tags ?? []
  }
  return { statsContext: { statsClient, tags: PLATFORM_TAGS }, calls }
}

// The caches are per business unit: each test has its own, so another test's reads are not counted as hits here.
let unit = 500
const ownSettings = () => ({ ...settings, businessUnitID: `0Uv000000000${++unit}AAA` })
const identify = (email: string, traits: Record<string, unknown> = {}) =>
  createTestEvent({ type: 'identify', traits: { email, ...traits } })

it('counts an upsert, with the platform tags and no personal data', async () => {
  nock(PROD_API).post(UPSERT).reply(201, { id: 42, email: 'ann@example.com' })
  const { statsContext, calls } = stats()
  await testDestination.testAction('prospects', {
    event: identify('ann@example.com'),
    settings: ownSettings(),
    auth,
    useDefaultMappings: true,
    statsContext
  })
  expect(calls).toEqual([{ kind: 'incr', name: 'actions-pardot.upsert', value: 1, tags: PLATFORM_TAGS }])
})

it('counts Pardot refusals by their code and status', async () => {
  nock(PROD_API).post(UPSERT).reply(400, { code: 154, message: 'Invalid email for ann@example' })
  const { statsContext, calls } = stats()
  await expect(
    testDestination.testAction('prospects', {
      event: identify('ann@example.com'),
      settings: ownSettings(),
      auth,
      useDefaultMappings: true,
      statsContext
    })
  ).rejects.toThrow()
  expect(calls).toEqual([
    {
      kind: 'incr',
      name: 'actions-pardot.error',
      value: 1,
      tags: [...PLATFORM_TAGS, 'error_code:PARDOT_154', 'status:400']
    }
  ])
  expect(JSON.stringify(calls)).not.toMatch(/ann|example/)
})

it('counts a request that got no answer as NO_ANSWER', async () => {
  nock(PROD_API).post(UPSERT).replyWithError('socket hang up')
  const { statsContext, calls } = stats()
  await expect(
    testDestination.testAction('prospects', {
      event: identify('ann@example.com'),
      settings: ownSettings(),
      auth,
      useDefaultMappings: true,
      statsContext
    })
  ).rejects.toThrow()
  expect(calls.map((call) => call.tags)).toEqual([[...PLATFORM_TAGS, 'error_code:NO_ANSWER', 'status:none']])
})

it('measures the imports and rows of a batch', async () => {
  nock(PROD_API).post('/api/v5/imports').reply(201, { id: 7, status: 'Waiting' })
  nock(PROD_API).get('/api/v5/imports/7').query(true).reply(200, { id: 7, status: 'Complete', errorCount: 0 })
  const { statsContext, calls } = stats()
  await testDestination.testBatchAction('prospects', {
    events: ['a', 'b', 'c'].map((name) => identify(`${name}@example.com`)),
    settings: ownSettings(),
    auth,
    useDefaultMappings: true,
    mapping: { enable_batching: true },
    statsContext
  })
  expect(calls).toEqual([
    { kind: 'incr', name: 'actions-pardot.import', value: 1, tags: PLATFORM_TAGS },
    { kind: 'histogram', name: 'actions-pardot.import.rows', value: 3, tags: PLATFORM_TAGS },
    { kind: 'histogram', name: 'actions-pardot.batch.imports', value: 1, tags: PLATFORM_TAGS },
    { kind: 'histogram', name: 'actions-pardot.batch.rows', value: 3, tags: PLATFORM_TAGS }
  ])
})

it('counts custom field catalogue cache misses and hits', async () => {
  nock(PROD_API)
    .get('/api/v5/objects/custom-fields')
    .query(true)
    .once()
    .reply(200, { values: [{ id: 2, name: 'Seats', fieldId: 'Seats', type: 'Number' }], nextPageToken: null })
  nock(PROD_API).post(UPSERT).times(2).reply(201, { id: 42 })
  const { statsContext, calls } = stats()
  const testSettings = ownSettings()
  for (let i = 0; i < 2; i++) {
    await testDestination.testAction('prospects', {
      event: identify('ann@example.com', { seats: '12' }),
      settings: testSettings,
      auth,
      useDefaultMappings: true,
      mapping: { customFields: { Seats__c: { '@path': '$.traits.seats' } } },
      statsContext
    })
  }
  const cache = calls.filter((call) => call.name.startsWith('actions-pardot.cache'))
  expect(cache).toEqual([
    { kind: 'incr', name: 'actions-pardot.cache.miss', value: 1, tags: [...PLATFORM_TAGS, 'cache:custom-fields'] },
    { kind: 'incr', name: 'actions-pardot.cache.hit', value: 1, tags: [...PLATFORM_TAGS, 'cache:custom-fields'] }
  ])
})

it('counts list check cache misses and hits', async () => {
  nock(PROD_API)
    .get('/api/v5/objects/lists/77')
    .query(true)
    .once()
    .reply(200, { id: 77, name: 'VIP', isDynamic: false })
  nock(PROD_API).post(UPSERT).times(2).reply(201, { id: 42 })
  nock(PROD_API).post('/api/v5/objects/list-memberships').query(true).times(2).reply(201, { id: 9 })
  const { statsContext, calls } = stats()
  const testSettings = ownSettings()
  for (let i = 0; i < 2; i++) {
    await testDestination.testAction('listMembership', {
      event: identify('ann@example.com'),
      settings: testSettings,
      auth,
      useDefaultMappings: true,
      mapping: { listId: '77', operation: 'add' },
      statsContext
    })
  }
  expect(calls.filter((call) => call.name.startsWith('actions-pardot.cache')).map((call) => call.name)).toEqual([
    'actions-pardot.cache.miss',
    'actions-pardot.cache.hit'
  ])
  expect(calls.filter((call) => call.name === 'actions-pardot.upsert')).toHaveLength(2)
})

it('counts no error for deleting a prospect that is already gone, which is success', async () => {
  const PROSPECTS = '/api/v5/objects/prospects'
  nock(PROD_API)
    .get(PROSPECTS)
    .query(true)
    .reply(200, { values: [{ id: 11, email: 'ann@example.com' }], nextPageToken: null })
  nock(PROD_API).delete(`${PROSPECTS}/11`).reply(404, { code: 109, message: 'Invalid ID' })
  const { statsContext, calls } = stats()
  await testDestination.testAction('deleteProspect', {
    event: createTestEvent({ type: 'track', event: 'Deletion Requested', properties: { email: 'ann@example.com' } }),
    settings: ownSettings(),
    auth,
    useDefaultMappings: true,
    statsContext
  })
  expect(calls.filter((call) => call.name === 'actions-pardot.error')).toEqual([])
})

it('delivers when the stats client throws on our metrics', async () => {
  nock(PROD_API).post(UPSERT).reply(201, { id: 42, email: 'ann@example.com' })
  const { statsContext } = stats()
  // Throws on our names only: actions-core calls the same client for its own metrics inside every request, unguarded,
  // so a client that throws on everything fails delivery whatever this destination does (docs/development.md, Metrics).
  const throwing = (name: string) => {
    if (name.startsWith('actions-pardot.')) throw new Error('stats backend down')
  }
  const statsClient = { ...statsContext.statsClient, incr: throwing, histogram: throwing }
  const responses = await testDestination.testAction('prospects', {
    event: identify('ann@example.com'),
    settings: ownSettings(),
    auth,
    useDefaultMappings: true,
    statsContext: { ...statsContext, statsClient }
  })
  expect(responses.map((response) => response.status)).toEqual([201])
})

it("counts a dropdown's failed read too, with the platform's tags", async () => {
  nock(PROD_API)
    .get('/api/v5/objects/lists')
    .query(true)
    .reply(503, { code: 183, message: 'An internal error occurred, please try your request again' })
  const { statsContext, calls } = stats()
  const answer = await testDestination.testDynamicField('listMembership', 'listId', {
    settings: ownSettings(),
    payload: {},
    auth,
    statsContext
  })
  expect(answer).toMatchObject({ choices: [], error: expect.anything() as unknown })
  expect(calls).toEqual([
    {
      kind: 'incr',
      name: 'actions-pardot.error',
      value: 1,
      tags: [...PLATFORM_TAGS, 'error_code:PARDOT_183', 'status:503']
    }
  ])
})
