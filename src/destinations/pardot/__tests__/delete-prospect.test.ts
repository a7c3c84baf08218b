import nock from 'nock'
import { createTestEvent, createTestIntegration } from '@segment/actions-core'
import definition from '../index'
import { auth, PROD_API, settings } from './helpers'

const testDestination = createTestIntegration(definition)
const PROSPECTS = '/api/v5/objects/prospects'

function deleteFor(email = 'ann@example.com') {
  return testDestination.testAction('deleteProspect', {
    event: createTestEvent({ type: 'track', event: 'Deletion Requested', properties: { email } }),
    settings,
    auth,
    useDefaultMappings: true
  })
}

/** A v5 query page; Pardot's nextPageUrl carries the same token. */
const page = (ids: number[], token: string | null = null, host = 'https://pi.pardot.com') => ({
  values: ids.map((id) => ({ id })),
  nextPageToken: token,
  nextPageUrl: token ? `${host}${PROSPECTS}?nextPageToken=${token}` : null
})

const deletes = (...ids: number[]) => ids.map((id) => nock(PROD_API).delete(`${PROSPECTS}/${id}`).reply(204))

describe('Delete Prospect', () => {
  it('moves every prospect with the email to the recycle bin', async () => {
    const query = nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id', email: 'ann@example.com' })
      .reply(200, page([11, 12]))
    const scopes = deletes(11, 12)
    const responses = await deleteFor()
    expect(query.isDone()).toBe(true)
    expect(scopes.every((s) => s.isDone())).toBe(true)
    expect(responses.map((r) => `${r.options.method} ${r.url}`)).toEqual([
      `GET ${PROD_API}${PROSPECTS}?fields=id&email=ann%40example.com`,
      `DELETE ${PROD_API}${PROSPECTS}/11`,
      `DELETE ${PROD_API}${PROSPECTS}/12`
    ])
  })

  it('reads every page before the first delete, asking for the next with the same filters and the token', async () => {
    const order: string[] = []
    nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id', email: 'ann@example.com' })
      .reply(200, () => {
        order.push('page 1')
        return page([1, 2], 'abc')
      })
      .get(PROSPECTS)
      .query({ fields: 'id', email: 'ann@example.com', nextPageToken: 'abc' })
      .reply(200, () => {
        order.push('page 2')
        return page([3], 'def')
      })
      .get(PROSPECTS)
      .query({ fields: 'id', email: 'ann@example.com', nextPageToken: 'def' })
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
  })

  it('never follows a next-page URL to another host', async () => {
    nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .reply(200, page([1], 'x', 'https://elsewhere.example'))
    const second = nock(PROD_API)
      .get(PROSPECTS)
      .query({ fields: 'id', email: 'ann@example.com', nextPageToken: 'x' })
      .reply(200, page([]))
    deletes(1)
    await deleteFor()
    expect(second.isDone()).toBe(true)
  })

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
