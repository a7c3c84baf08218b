import nock from 'nock'
import { createTestEvent, createTestIntegration, type JSONObject } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import definition from '../index'
import { TestData, testMapping, testSettings } from './test-data'

/**
 * Segment's snapshot convention: an action run on seeded generated data, and every request it sent pinned exactly
 * (method, URL, the headers Pardot reads, body). Pardot is played by nock with plain, valid answers, so each
 * action's whole sequence of requests shows.
 */

const testDestination = createTestIntegration(definition)
const PROSPECT_ID = 42
const MEMBERSHIP_ID = 9

export interface SentRequest {
  method: string
  url: string
  headers: Record<string, string | null>
  body?: unknown
}

function pardotAnswers(): void {
  const host = /^https:\/\/pi(\.demo)?\.pardot\.com(:443)?$/
  nock(host)
    .persist()
    .get(/\/objects\/lists\/\d+/)
    .query(true)
    .reply(200, (uri) => ({ id: Number(/lists\/(\d+)/.exec(uri)?.[1]), name: 'Snapshot list', isDynamic: false }))
    .get(/\/objects\/prospects\?/)
    .reply(200, (uri) => ({
      values: [{ id: PROSPECT_ID, email: new URL(uri, 'https://x').searchParams.get('email') }],
      nextPageToken: null
    }))
    .get(/\/objects\/list-memberships\?/)
    .reply(200, { values: [{ id: MEMBERSHIP_ID, listId: 1, prospectId: PROSPECT_ID }], nextPageToken: null })
    .post(/\/objects\/prospects\/do\/upsertLatestByEmail/)
    .reply(200, (_uri, body) => ({ id: PROSPECT_ID, email: (body as { matchEmail?: string }).matchEmail }))
    .post(/\/objects\/list-memberships/)
    .query(true)
    .reply(201, { id: MEMBERSHIP_ID })
    .post(/\/external-activities/)
    .reply(204)
    .delete(/.*/)
    .reply(204)
}

/**
 * The requests the action sends for its seeded event; `skip` leaves fields out, `mapping` sets some outright, and
 * `variant` seeds a second run of one action apart (its own business unit, so no cache carries over between them),
 * `settings` overrides the seeded settings (to pin a host the seed did not pick).
 */
export async function snapshotRequests(
  slug: string,
  options: {
    skip?: string[]
    mapping?: JSONObject
    variant?: string
    settings?: Partial<Settings>
    /** Generated values for the required fields only (plus `mapping`): the least a mapping can hold. */
    requiredOnly?: boolean
  } = {}
): Promise<SentRequest[]> {
  const data = new TestData(['actions-pardot', slug, options.variant].filter(Boolean).join('#'))
  const settings = { ...testSettings(data), ...options.settings }
  const action = definition.actions[slug]
  const optional = Object.entries(action.fields)
    .filter(([, field]) => !field.required)
    .map(([name]) => name)
  const skip = [...(options.skip ?? []), ...(options.requiredOnly ? optional : [])]
  const mapping = { ...testMapping(data, action, skip), ...options.mapping }
  pardotAnswers()
  const responses = await testDestination.testAction(slug, {
    event: createTestEvent({ properties: mapping }),
    mapping,
    settings,
    auth: { accessToken: 'snapshot-access-token', refreshToken: 'snapshot-refresh-token' }
  })
  return responses.map(({ request, options: sent }) => ({
    method: request.method,
    url: request.url,
    headers: {
      authorization: request.headers.get('authorization'),
      'pardot-business-unit-id': request.headers.get('pardot-business-unit-id'),
      'content-type': request.headers.get('content-type')
    },
    ...(sent.body === undefined ? {} : { body: parsed(sent.body) })
  }))
}

function parsed(body: unknown): unknown {
  if (typeof body !== 'string') return body
  try {
    return JSON.parse(body) as unknown
  } catch {
    return body
  }
}
