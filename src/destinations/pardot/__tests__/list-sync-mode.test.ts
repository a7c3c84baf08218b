import { PayloadValidationError } from '@segment/actions-core'
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
    ['delete', undefined, 'remove'],
    ['delete', true, 'none']
  ] as const)('sync mode %s with membership %s: %s', (syncMode, membership, expected) => {
    expect(operationFor(payload(), { syncMode, membership })).toBe(expected)
  })

  it('follows the audience traits or properties without a sync mode, and with mirror when the engine read none', () => {
    expect(operationFor(audience(true))).toBe('add')
    expect(operationFor(audience(false), { syncMode: 'mirror' })).toBe('remove')
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
  })
})
