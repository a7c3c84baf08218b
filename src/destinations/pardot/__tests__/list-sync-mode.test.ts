import nock from 'nock'
import {
  createTestEvent,
  createTestIntegration,
  PayloadValidationError,
  type SegmentEvent
} from '@segment/actions-core'
import definition from '../index'
import { auth, PROD_API, settings } from './helpers'
import type { Payload } from '../listMembership/generated-types'
import { listIdOf, operationFor } from '../listMembership/operation'

/** Which change an event makes to the list, and which list: what the mapping, the sync mode and the audience say. */

const payload = (extra: Partial<Payload> = {}): Payload => ({ email: 'ann@example.com', ...extra })
const audience = (member: boolean) => payload({ computation_key: 'vips', traits_or_props: { vips: member } })

describe('operationFor', () => {
  it('lets Operation decide whatever the sync mode, as mappings made before sync modes expect', () => {
    expect(operationFor(payload({ operation: 'remove' }), { syncMode: 'add', membership: true })).toBe('remove')
    expect(operationFor(payload({ operation: 'add' }), { syncMode: 'delete' })).toBe('add')
  })

  it.each([
    ['mirror', true, 'add'],
    ['mirror', false, 'remove'],
    ['add', true, 'add'],
    ['add', undefined, 'add'],
    ['add', false, 'none'],
    ['delete', false, 'remove'],
    ['delete', undefined, 'none'],
    ['delete', true, 'none']
  ] as const)('sync mode %s with membership %s: %s', (syncMode, membership, expected) => {
    expect(operationFor(payload(), { syncMode, membership })).toBe(expected)
  })

  it('follows the audience traits or properties without a sync mode, and with mirror when the engine read none', () => {
    expect(operationFor(audience(true))).toBe('add')
    expect(operationFor(audience(false), { syncMode: 'mirror' })).toBe('remove')
  })

  it('in delete mode removes only on a membership that says the person left, never on a plain event', () => {
    expect(operationFor(payload(), { syncMode: 'delete' })).toBe('none')
    expect(operationFor(audience(false), { syncMode: 'delete' })).toBe('remove')
    expect(operationFor(audience(true), { syncMode: 'delete' })).toBe('none')
  })

  it('refuses an event nothing decides for', () => {
    expect(() => operationFor(payload(), { syncMode: 'mirror' })).toThrow(PayloadValidationError)
  })
})

describe('listIdOf', () => {
  it('takes the mapped list first, else the list the audience was connected to', () => {
    expect(listIdOf({ listId: '1001', external_audience_id: '3001' })).toBe(1001)
    expect(listIdOf({ listId: ' ', external_audience_id: '3001' })).toBe(3001)
    expect(listIdOf({ external_audience_id: '3001' })).toBe(3001)
  })

  it('says what to do when there is neither', () => {
    expect(() => listIdOf({})).toThrow(/Choose a List, or connect the audience/)
  })

  it('refuses an id that is not a whole number', () => {
    expect(() => listIdOf({ external_audience_id: 'abc' })).toThrow(PayloadValidationError)
    // One parser for List and for getAudience's external id (parseListId): zero, fractions and unsafe integers too.
    for (const text of ['0', '1.5', '-3', '9007199254740993'])
      expect(() => listIdOf({ listId: text })).toThrow(PayloadValidationError)
  })
})

/** The delete sync mode through the engine: actions-core reads the mapping's sync mode and the audience membership. */
describe('the delete sync mode through the engine', () => {
  const testDestination = createTestIntegration(definition)
  const LISTS = '/api/v5/objects/lists'
  const MEMBERSHIPS = '/api/v5/objects/list-memberships'
  const PROSPECTS = '/api/v5/objects/prospects'
  const mapping = { __segment_internal_sync_mode: 'delete' }
  // The list check is cached per list for 10 minutes: each test has its own list.
  let list = 7700

  /** An Engage audience event for the audience whose list is `id`. */
  const audienceEvent = (entered: boolean, id: number) =>
    createTestEvent({
      type: 'track',
      event: entered ? 'Audience Entered' : 'Audience Exited',
      properties: { email: 'ann@example.com', trial_users: entered },
      context: {
        personas: {
          computation_key: 'trial_users',
          computation_class: 'audience',
          external_audience_id: String(id)
        }
      }
    })

  const run = (event: Partial<SegmentEvent>) =>
    testDestination.testAction('listMembership', { event, settings, auth, mapping, useDefaultMappings: true })

  it('removes the prospect on an exit', async () => {
    const id = ++list
    nock(PROD_API).get(`${LISTS}/${id}`).query(true).reply(200, { id, name: 'Trials', isDynamic: false })
    nock(PROD_API)
      .get(PROSPECTS)
      .query(true)
      .reply(200, { values: [{ id: 42, email: 'ann@example.com' }], nextPageToken: null })
    nock(PROD_API)
      .get(MEMBERSHIPS)
      .query(true)
      .reply(200, { values: [{ id: 9001, listId: id, prospectId: 42 }], nextPageToken: null })
    const removed = nock(PROD_API).delete(`${MEMBERSHIPS}/9001`).reply(204)
    await run(audienceEvent(false, id))
    expect(removed.isDone()).toBe(true)
    expect(nock.pendingMocks()).toEqual([])
  })

  it('leaves an entry out, with no request', async () => {
    await expect(run(audienceEvent(true, ++list))).resolves.toEqual([])
  })

  it('leaves out a plain identify that says nothing about the audience, rather than removing the prospect', async () => {
    const event = createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' }, context: {} })
    await expect(
      testDestination.testAction('listMembership', {
        event,
        settings,
        auth,
        mapping: { ...mapping, listId: String(++list) },
        useDefaultMappings: true
      })
    ).resolves.toEqual([])
  })

  it('leaves out an exit in add mode with no list and a malformed email, instead of refusing it', async () => {
    const event = createTestEvent({
      type: 'track',
      event: 'Audience Exited',
      properties: { email: 'not-an-email', trial_users: false },
      context: { personas: { computation_key: 'trial_users', computation_class: 'audience' } }
    })
    const addOnly = { __segment_internal_sync_mode: 'add' }
    await expect(
      testDestination.testAction('listMembership', {
        event,
        settings,
        auth,
        mapping: addOnly,
        useDefaultMappings: true
      })
    ).resolves.toEqual([])
  })
})
