import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import definition from '../index'
import { auth, PROD_API, settings } from './helpers'

const testDestination = createTestIntegration(definition)
const PROSPECTS = '/api/v5/objects/prospects'

/** The requests of the last deletion, as `METHOD url`, whether it succeeded or failed. */
let made: string[] = []

async function deleteFor(email = 'ann@example.com') {
  try {
    const responses = await testDestination.testAction('deleteProspect', {
      event: createTestEvent({ type: 'track', event: 'Deletion Requested', properties: { email } }),
      settings,
      auth,
      useDefaultMappings: true
    })
    made = responses.map((r) => `${r.options.method} ${r.url}`)
    return responses
  } catch (error) {
    made = testDestination.responses.map((r) => `${r.options.method} ${r.url}`)
    throw error
  }
}

/** A v5 query page of prospects with `email`; Pardot's nextPageUrl holds the token. */
const page = (ids: number[], token: string | null = null, host = PROD_API, email = 'ann@example.com') => ({
  values: ids.map((id) => ({ id, email })),
  nextPageToken: token,
  nextPageUrl: token ? `${host}${PROSPECTS}?nextPageToken=${token}` : null
})

const deletes = (...ids: number[]) => ids.map((id) => nock(PROD_API).delete(`${PROSPECTS}/${id}`).reply(204))

beforeEach(() => {
  testDestination.responses = []
  made = []
})

describe('Delete Prospect', () => {
  it('moves every prospect with the email to the recycle bin', async () => {
    const query = nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, page([11, 12]))
    const scopes = deletes(11, 12)
    const responses = await deleteFor()
    expect(query.isDone()).toBe(true)
    expect(scopes.every((s) => s.isDone())).toBe(true)
    expect(responses.map((r) => `${r.options.method} ${r.url}`)).toEqual([
      `GET ${PROD_API}${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`,
      `DELETE ${PROD_API}${PROSPECTS}/11`,
      `DELETE ${PROD_API}${PROSPECTS}/12`
    ])
  })

  it('deletes only the prospects whose answered email is exactly the requested one', async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, {
        values: [
          { id: 1, email: 'ann@example.com' },
          { id: 2, email: 'Ann@example.com' },
          { id: 3, email: 'bob@example.com' },
          { id: 4, email: null },
          { id: 5 }
        ],
        nextPageToken: null,
        nextPageUrl: null
      })
    deletes(1)
    const responses = await deleteFor()
    expect(responses.map((r) => `${r.options.method} ${r.url}`)).toEqual([
      `GET ${PROD_API}${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`,
      `DELETE ${PROD_API}${PROSPECTS}/1`
    ])
    expect(testDestination.results[testDestination.results.length - 1]).toMatchObject({ data: { deleted: [1] } })
  })

  it.each([
    [
      '   ',
      'Email Address is empty. Map it to the prospect’s email, for example traits.email (identify) or properties.email (track).'
    ],
    ['not-an-email', 'Email Address "not-an-email" is not an email address.'],
    [
      ' ann@example.com',
      'Email Address " ann@example.com" has spaces before or after it. Pardot matches the address exactly, so map a value without the spaces.'
    ]
  ])('refuses the email %j before any request', async (email, message) => {
    const query = nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .reply(200, page([1]))
    const remove = nock(PROD_API).delete(`${PROSPECTS}/1`).reply(204)
    await expect(deleteFor(email)).rejects.toMatchObject({ status: 400, message })
    expect(query.isDone()).toBe(false)
    expect(remove.isDone()).toBe(false)
    nock.cleanAll()
  })

  it("reads every page before the first delete, following Pardot's nextPageUrl", async () => {
    const order: string[] = []
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, () => {
        order.push('page 1')
        return page([1, 2], 'abc')
      })
      .get(PROSPECTS)
      .query({ nextPageToken: 'abc' })
      .reply(200, () => {
        order.push('page 2')
        return page([3], 'def')
      })
      .get(PROSPECTS)
      .query({ nextPageToken: 'def' })
      .reply(200, () => {
        order.push('page 3')
        return page([4])
      })
    for (const id of [1, 2, 3, 4]) {
      nock(PROD_API)
        .delete(`${PROSPECTS}/${id}`)
        .reply(204, () => {
          order.push(`delete ${id}`)
          return ''
        })
    }
    await deleteFor()
    expect(order).toEqual(['page 1', 'page 2', 'page 3', 'delete 1', 'delete 2', 'delete 3', 'delete 4'])
    expect(made.slice(0, 3)).toEqual([
      `GET ${PROD_API}${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`,
      `GET ${PROD_API}${PROSPECTS}?nextPageToken=abc`,
      `GET ${PROD_API}${PROSPECTS}?nextPageToken=def`
    ])
  })

  it("asks for the next page on the configured host, never on nextPageUrl's host", async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, page([1], 'x', 'https://elsewhere.example'))
    const elsewhere = nock('https://elsewhere.example')
      .get(PROSPECTS)
      .query(true)
      .reply(200, page([99]))
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ nextPageToken: 'x' })
      .reply(200, page([2]))
    deletes(1, 2)
    await deleteFor()
    expect(elsewhere.isDone()).toBe(false)
    expect(made).toEqual([
      `GET ${PROD_API}${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`,
      `GET ${PROD_API}${PROSPECTS}?nextPageToken=x`,
      `DELETE ${PROD_API}${PROSPECTS}/1`,
      `DELETE ${PROD_API}${PROSPECTS}/2`
    ])
    nock.cleanAll()
  })

  it('asks for the next page with the token and fields alone when Pardot sends no nextPageUrl (v5 refuses filters beside a token)', async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, { ...page([1]), nextPageToken: 't2' })
      .get(PROSPECTS)
      .query({ fields: 'id,email', nextPageToken: 't2' })
      .reply(200, page([2]))
    deletes(1, 2)
    await deleteFor()
    expect(made).toEqual([
      `GET ${PROD_API}${PROSPECTS}?fields=id%2Cemail&email=ann%40example.com`,
      `GET ${PROD_API}${PROSPECTS}?fields=id%2Cemail&nextPageToken=t2`,
      `DELETE ${PROD_API}${PROSPECTS}/1`,
      `DELETE ${PROD_API}${PROSPECTS}/2`
    ])
  })

  it('deletes nothing, and is retried, when nextPageUrl is not a Pardot API v5 address', async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .reply(200, { ...page([1]), nextPageUrl: 'https://pi.pardot.com/oauth/steal?x=1' })
    const remove = nock(PROD_API).delete(`${PROSPECTS}/1`).reply(204)
    await expect(deleteFor()).rejects.toMatchObject({
      status: 502,
      message: `Pardot answered ${PROSPECTS} with a next page that is not a Pardot API v5 address ("https://pi.pardot.com/oauth/steal?x=1"), so it was not followed. Reading stopped there rather than act on a partial answer; the event will be retried.`
    })
    expect(remove.isDone()).toBe(false)
    expect(made).toHaveLength(1)
    nock.cleanAll()
  })

  it('deletes nothing, and is retried, when the paging goes in a circle', async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id,email', email: 'ann@example.com' })
      .reply(200, page([1], 'a'))
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ nextPageToken: 'a' })
      .reply(200, page([2], 'a'))
    const remove = nock(PROD_API).delete(`${PROSPECTS}/1`).reply(204)
    await expect(deleteFor()).rejects.toMatchObject({
      status: 502,
      message: `Pardot's paging of ${PROSPECTS} went in a circle: page 2 named as the next page one that was already read. Reading stopped there rather than act on a partial answer; the event will be retried.`
    })
    expect(remove.isDone()).toBe(false)
    expect(made).toHaveLength(2)
    nock.cleanAll()
  })

  it('stops, deleting nothing, after 1000 pages', async () => {
    let served = 0
    nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .times(1001)
      .reply(200, () => page([++served], `t${served}`))
    const remove = nock(PROD_API).delete(`${PROSPECTS}/1`).reply(204)
    await expect(deleteFor()).rejects.toMatchObject({
      status: 400,
      code: 'PARDOT_TOO_MANY_PAGES',
      message: `Pardot's answer to ${PROSPECTS} ran past 1000 pages, far more than any query of this destination should return. Reading stopped there rather than act on a partial answer.`
    })
    expect(served).toBe(1000)
    expect(remove.isDone()).toBe(false)
    nock.cleanAll()
  }, 60_000)

  it('succeeds without a delete when no prospect has the email', async () => {
    nock(PROD_API).get(PROSPECTS).query(true).reply(200, page([]))
    const responses = await deleteFor()
    expect(responses).toHaveLength(1)
  })

  it('counts a prospect that is already gone (code 109) as deleted, and carries on', async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .reply(200, page([5, 6]))
    nock(PROD_API).delete(`${PROSPECTS}/5`).reply(404, { code: 109, message: 'Record not found' })
    const [last] = deletes(6)
    await deleteFor()
    expect(last.isDone()).toBe(true)
  })

  it('fails with the Pardot error when a delete fails otherwise, so the event is retried', async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .reply(200, page([5]))
    nock(PROD_API).delete(`${PROSPECTS}/5`).reply(400, { code: 66, message: 'Too many concurrent requests' })
    await expect(deleteFor()).rejects.toMatchObject({ status: 429 })
  })

  it('refuses an event without an email before any request', async () => {
    const query = nock(PROD_API).get(PROSPECTS).query(true).reply(200, page([]))
    await expect(
      testDestination.testAction('deleteProspect', {
        event: createTestEvent({ type: 'track', traits: undefined, properties: {} }),
        settings,
        auth,
        useDefaultMappings: true
      })
    ).rejects.toThrow("The root value is missing the required field 'email'.")
    expect(query.isDone()).toBe(false)
  })

  it('has no default subscription: deleting must be chosen', () => {
    expect(definition.actions.deleteProspect.defaultSubscription).toBeUndefined()
    expect(definition.presets?.map((p) => p.partnerAction)).toEqual(['prospects'])
  })
})
