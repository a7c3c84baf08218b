import nock from 'nock'
import { Destination } from '@segment/actions-core'
import definition from '../index'
import type { Settings } from '../generated-types'
import { PROD_API, settings } from './helpers'
import type { SentRequest } from './snapshot-helper'

/** Segment's snapshot convention for the audience calls: every request createAudience and getAudience send, pinned. */

const destination = new Destination(definition)
const LISTS = '/api/v5/objects/lists'
const withToken = { ...settings, oauth: { access_token: 'snapshot-access-token', refresh_token: 'r' } } as Settings

// Each test answers with its own interceptors; one a test left unused must not answer the next.
afterEach(() => nock.cleanAll())

/** Answers Pardot's list calls and keeps each request as the action snapshots keep theirs. */
function recordLists(existing: { id: number; name: string; isDynamic: boolean }[]): SentRequest[] {
  const sent: SentRequest[] = []
  const keep = function (this: nock.ReplyFnContext, uri: string, body: unknown) {
    const header = (name: string) => {
      const value = this.req.headers[name]
      return value === undefined ? null : String(value)
    }
    sent.push({
      method: this.req.method,
      url: `${PROD_API}${uri}`,
      headers: {
        authorization: header('authorization'),
        'pardot-business-unit-id': header('pardot-business-unit-id'),
        'content-type': header('content-type')
      },
      ...(body === '' || body === undefined ? {} : { body })
    })
  }
  nock(PROD_API)
    .get(LISTS)
    .query(true)
    .reply(function (uri, body) {
      keep.call(this, uri, body)
      return [200, { values: existing, nextPageToken: null }]
    })
    .post(LISTS)
    .query(true)
    .reply(function (uri, body) {
      keep.call(this, uri, body)
      return [201, { id: 3001, name: (body as { name: string }).name, isDynamic: false }]
    })
    .get(`${LISTS}/3001`)
    .query(true)
    .reply(function (uri, body) {
      keep.call(this, uri, body)
      return [200, { id: 3001, name: 'Trial users', isDynamic: false }]
    })
  return sent
}

it('createAudience reads the lists, then creates a private static list named after the audience', async () => {
  const sent = recordLists([{ id: 1001, name: 'Newsletter', isDynamic: false }])
  await expect(destination.createAudience({ settings: withToken, audienceName: 'Trial users' })).resolves.toEqual({
    externalId: '3001'
  })
  expect(sent.map((r) => r.method)).toEqual(['GET', 'POST'])
  expect(sent).toMatchSnapshot()
})

it('getAudience reads the audience list by id', async () => {
  const sent = recordLists([])
  await expect(destination.getAudience({ settings: withToken, externalId: '3001' })).resolves.toEqual({
    externalId: '3001'
  })
  expect(sent).toMatchSnapshot()
})
