import nock from 'nock'
import {
  Destination,
  IntegrationError,
  RetryableError,
  type JSONObject,
  type StatsContext
} from '@segment/actions-core'
import definition from '../index'
import type { Settings } from '../generated-types'
import { BUSINESS_UNIT, PROD_API, settings } from './helpers'

/** Connecting a Segment audience: its static Pardot list is created, or found by name; later, checked. */

const destination = new Destination(definition)
const LISTS = '/api/v5/objects/lists'
// The engine reads the token from the settings' oauth, beside the settings themselves.
const withToken = { ...settings, oauth: { access_token: 'access-123', refresh_token: 'refresh-456' } } as Settings

function lists(values: { id: number; name: string; isDynamic: boolean }[]) {
  return nock(PROD_API).get(LISTS).query({ fields: 'id,name,isDynamic' }).reply(200, { values, nextPageToken: null })
}

function listCreated(id: number) {
  const received: { body?: unknown; headers?: Record<string, unknown> } = {}
  const scope = nock(PROD_API)
    .post(LISTS, (body: unknown) => {
      received.body = body
      return true
    })
    .query({ fields: 'id,name,isDynamic' })
    .reply(function (_uri, body) {
      received.headers = this.req.headers
      return [201, { id, name: (body as { name: string }).name, isDynamic: false }]
    })
  return { scope, received }
}

const create = (audienceName: string, audienceSettings?: JSONObject) =>
  destination.createAudience({ settings: withToken, audienceName, audienceSettings })

describe('createAudience', () => {
  it('creates a private static list named after the audience when there is none, and answers its id', async () => {
    lists([
      { id: 1001, name: 'Newsletter', isDynamic: false },
      { id: 1002, name: 'Trial users (old)', isDynamic: false }
    ])
    const { scope, received } = listCreated(3001)
    await expect(create('Trial users')).resolves.toEqual({ externalId: '3001' })
    expect(scope.isDone()).toBe(true)
    expect(received.body).toEqual({ name: 'Trial users', isPublic: false })
    expect(received.headers).toMatchObject({
      authorization: 'Bearer access-123',
      'pardot-business-unit-id': BUSINESS_UNIT
    })
  })

  it('names the list by the List Name setting, public when asked', async () => {
    lists([])
    const { received } = listCreated(3002)
    await expect(create('Trial users', { listName: '  Segment: trials ', isPublic: true })).resolves.toEqual({
      externalId: '3002'
    })
    expect(received.body).toEqual({ name: 'Segment: trials', isPublic: true })
  })

  it('adopts an existing static list of that name (the oldest) and creates nothing', async () => {
    lists([
      { id: 1007, name: 'Customers', isDynamic: false },
      { id: 1003, name: 'Customers', isDynamic: false },
      { id: 1001, name: 'Customers', isDynamic: true }
    ])
    const { scope } = listCreated(9999)
    await expect(create('Customers')).resolves.toEqual({ externalId: '1003' })
    expect(scope.isDone()).toBe(false)
  })

  it('reads every page of lists before deciding', async () => {
    nock(PROD_API)
      .get(LISTS)
      .query({ fields: 'id,name,isDynamic' })
      .reply(200, {
        values: [{ id: 1, name: 'A', isDynamic: false }],
        nextPageUrl: `${LISTS}?fields=id&nextPageToken=2`
      })
    nock(PROD_API)
      .get(LISTS)
      .query({ fields: 'id', nextPageToken: '2' })
      .reply(200, { values: [{ id: 2, name: 'VIP', isDynamic: false }], nextPageToken: null })
    await expect(create('VIP')).resolves.toEqual({ externalId: '2' })
  })

  it('adopts a static list whose name differs only in case, rather than making a second one', async () => {
    lists([{ id: 1001, name: 'customers ', isDynamic: false }])
    const { scope } = listCreated(9999)
    await expect(create('Customers')).resolves.toEqual({ externalId: '1001' })
    expect(scope.isDone()).toBe(false)
  })

  it('prefers the exact spelling to an older list that differs in case', async () => {
    lists([
      { id: 1001, name: 'CUSTOMERS', isDynamic: false },
      { id: 1005, name: 'Customers', isDynamic: false }
    ])
    await expect(create('Customers')).resolves.toEqual({ externalId: '1005' })
  })

  it('stops at the client-wide page limit rather than decide on lists that never end', async () => {
    let page = 0
    nock(PROD_API)
      .get(LISTS)
      .query(true)
      .times(1000)
      .reply(() => [200, { values: [], nextPageToken: `t${++page}`, nextPageUrl: null }])
    const { scope } = listCreated(9999)
    await expect(create('Customers')).rejects.toMatchObject({ code: 'PARDOT_TOO_MANY_PAGES' })
    expect(scope.isDone()).toBe(false)
    expect(page).toBe(1000)
  }, 30_000)

  it('refuses when the only list of that name is dynamic, saying what to do', async () => {
    lists([{ id: 1003, name: 'Engaged', isDynamic: true }])
    const { scope } = listCreated(9999)
    await expect(create('Engaged')).rejects.toMatchObject({
      code: 'PARDOT_DYNAMIC_LIST',
      status: 400,
      message: expect.stringContaining('Set List Name to another name') as string
    })
    expect(scope.isDone()).toBe(false)
  })

  it('refuses an invalid business unit before any request', async () => {
    await expect(
      destination.createAudience({ settings: { ...withToken, businessUnitID: 'nope' }, audienceName: 'A' })
    ).rejects.toMatchObject({ code: 'INVALID_SETTINGS' })
  })
})

describe('getAudience', () => {
  const get = (externalId: string) => destination.getAudience({ settings: withToken, externalId })

  it('finds the list the audience was given', async () => {
    nock(PROD_API).get(`${LISTS}/3001`).query({ fields: 'id,name,isDynamic' }).reply(200, {
      id: 3001,
      name: 'Trial users',
      isDynamic: false
    })
    await expect(get('3001')).resolves.toEqual({ externalId: '3001' })
  })

  it('says the list is gone when Pardot no longer has it', async () => {
    nock(PROD_API)
      .get(`${LISTS}/3001`)
      .query({ fields: 'id,name,isDynamic' })
      .reply(404, { code: 109, message: 'Record not found' })
    await expect(get('3001')).rejects.toMatchObject({
      code: 'PARDOT_LIST_NOT_FOUND',
      status: 404,
      message: expect.stringContaining('Reconnect the audience') as string
    })
  })

  it('refuses an id that is not a list id, without a request', async () => {
    await expect(get('abc')).rejects.toMatchObject({ code: 'INVALID_LIST_ID', status: 400 })
  })

  it('answers a Pardot outage (503, code 183) as retryable, not as a list that is gone', async () => {
    const { statsContext, outcomes } = audienceStats()
    nock(PROD_API)
      .get(`${LISTS}/3001`)
      .query(true)
      .reply(503, { code: 183, message: 'An internal error occurred, please try your request again' })
    const error = await destination.getAudience({ settings: withToken, externalId: '3001', statsContext }).then(
      () => undefined,
      (thrown: unknown) => thrown
    )
    expect(error).toBeInstanceOf(RetryableError)
    expect(error).not.toMatchObject({ code: 'PARDOT_LIST_NOT_FOUND' })
    expect(outcomes).toEqual([])
    expect(nock.isDone()).toBe(true)
  })

  it('answers a refused business unit header (403, code 181) as final, not as a list that is gone', async () => {
    const { statsContext, outcomes } = audienceStats()
    nock(PROD_API).get(`${LISTS}/3001`).query(true).reply(403, { code: 181, message: 'Missing required header' })
    const error = await destination.getAudience({ settings: withToken, externalId: '3001', statsContext }).then(
      () => undefined,
      (thrown: unknown) => thrown
    )
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).not.toBeInstanceOf(RetryableError)
    expect(error).toMatchObject({ status: 403 })
    expect(error).not.toMatchObject({ code: 'PARDOT_LIST_NOT_FOUND' })
    expect(outcomes).toEqual([])
    expect(nock.isDone()).toBe(true)
  })
})

describe('audience metrics', () => {
  it('counts a list created, adopted, found and gone by its outcome, with the platform tags', async () => {
    const { statsContext, outcomes } = audienceStats()
    lists([])
    listCreated(3001)
    await destination.createAudience({ settings: withToken, audienceName: 'New', statsContext })
    lists([{ id: 1003, name: 'Old', isDynamic: false }])
    await destination.createAudience({ settings: withToken, audienceName: 'Old', statsContext })
    nock(PROD_API).get(`${LISTS}/3001`).query(true).reply(200, { id: 3001, name: 'New', isDynamic: false })
    await destination.getAudience({ settings: withToken, externalId: '3001', statsContext })
    nock(PROD_API).get(`${LISTS}/3002`).query(true).reply(404, { code: 109, message: 'Record not found' })
    await expect(
      destination.getAudience({ settings: withToken, externalId: '3002', statsContext })
    ).rejects.toMatchObject({ code: 'PARDOT_LIST_NOT_FOUND' })
    expect(outcomes).toEqual([
      ['subscription:test', 'outcome:created'],
      ['subscription:test', 'outcome:adopted'],
      ['subscription:test', 'outcome:found'],
      ['subscription:test', 'outcome:gone']
    ])
  })
})

/** A stats client keeping the tags of each `actions-pardot.audience` count. */
function audienceStats(): { statsContext: StatsContext; outcomes: string[][] } {
  const outcomes: string[][] = []
  const statsClient = {
    incr: (name: string, _value?: number, tags?: string[]) =>
      void (name === 'actions-pardot.audience' && outcomes.push(tags ?? [])),
    histogram: () => undefined,
    set: () => undefined,
    observe: () => undefined,
    _name: (name: string) => name,
    _tags: (tags?: string[]) => tags ?? []
  }
  return { statsContext: { statsClient, tags: ['subscription:test'] }, outcomes }
}
