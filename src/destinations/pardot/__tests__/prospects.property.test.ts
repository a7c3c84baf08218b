import fc from 'fast-check'
import nock from 'nock'
import { Destination, type JSONObject, type JSONValue } from '@segment/actions-core'
import definition from '../index'
import prospects from '../prospects'
import { PROD_API, settings, UPSERT } from './helpers'
import { defaultValues } from '@segment/actions-core'

/**
 * Whatever events and mappings users send, the prospects action ends in exactly one well-formed upsert or in an
 * actions-core error with a 4xx status and a message: never a TypeError or an unclassified error.
 */

const destination = new Destination(definition)
const defaults = defaultValues(prospects.fields) as JSONObject

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'a@b.co', 'Ann@Example.com', '[object Object]', '__proto__', 'null'),
  fc.string({ minLength: 5000, maxLength: 20000 })
)
const scalar: fc.Arbitrary<JSONValue> = fc.oneof(
  text,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null)
)
const value: fc.Arbitrary<JSONValue> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  // Keys starting with @ are mapping directives, which the mapping editor validates before any event flows.
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.string({ maxLength: 6 }).filter((k) => !k.startsWith('@')),
      scalar,
      { maxKeys: 3 }
    )
  }
)
const traitKeys = ['email', 'first_name', 'last_name', 'phone', 'company', 'title', 'website', 'plan', 'address']
const traits = fc.dictionary(fc.constantFrom(...traitKeys), value, { maxKeys: traitKeys.length })
const otherFieldKeys = fc.oneof(
  fc.constantFrom('department', 'annualRevenue', 'optedOut', 'score', 'email', 'Plan__c', 'Seats__c', 'Interests__c'),
  fc.constantFrom('id', 'grade', 'createdAt', 'first_name', 'job_title', 'crm_owner_fid', 'JobTitle', 'EMAIL'),
  fc.constantFrom('', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a.b', '日本__c'),
  fc.string({ maxLength: 12 }).filter((k) => !k.startsWith('@'))
)
const otherFieldValue = fc.oneof(
  value,
  fc.constantFrom(...traitKeys).map((key) => ({ '@path': `$.traits.${key}` })),
  fc.constant({ '@path': '$.traits.missing.deeply' })
)
const mapping = fc.record(
  {
    customFields: fc.dictionary(otherFieldKeys, otherFieldValue, { maxKeys: 5 }),
    email: fc.constantFrom<JSONValue>(defaults.email, { '@path': '$.traits.plan' }, { '@path': '$.userId' }),
    secondaryDeletedSearch: fc.oneof(fc.boolean(), fc.constant<JSONValue>({ '@path': '$.traits.plan' }))
  },
  { requiredKeys: [] }
)
const event = fc.record({
  type: fc.constantFrom('identify', 'track'),
  userId: fc.oneof(text, fc.constant(undefined)),
  traits,
  properties: traits
})

const CUSTOM_ERROR_NAMES = ['IntegrationError', 'PayloadValidationError', 'AggregateAjvError', 'ValidationError']

describe('the prospects action under generated input', () => {
  it('always ends in one well-formed upsert or a 4xx error with a message', async () => {
    const bodies: unknown[] = []
    nock(PROD_API)
      .persist()
      .post(UPSERT, (body: unknown) => {
        bodies.push(body)
        return true
      })
      .reply(201, { id: 1 })
    // The account's custom field catalogue, read when a value's form depends on a field's type.
    nock(PROD_API)
      .persist()
      .get('/api/v5/objects/custom-fields')
      .query(true)
      .reply(200, {
        values: [
          { id: 1, name: 'Plan', fieldId: 'Plan', type: 'Text' },
          { id: 2, name: 'Seats', fieldId: 'Seats', type: 'Number' },
          { id: 3, name: 'Interests', fieldId: 'Interests', type: 'Multi-Select' }
        ],
        nextPageToken: null
      })

    await fc.assert(
      fc.asyncProperty(event, mapping, async (e, m) => {
        bodies.length = 0
        const subscription = {
          subscribe: 'type = "identify" or type = "track"',
          partnerAction: 'prospects',
          mapping: { ...defaults, ...m }
        }
        let error: unknown
        try {
          await destination.onEvent(
            { ...e, messageId: 'm1', timestamp: '2026-01-01T00:00:00Z' },
            { ...settings, subscription, oauth: { access_token: 'tok' } }
          )
        } catch (caught) {
          error = caught
        }
        if (error === undefined) {
          expect(bodies).toHaveLength(1)
          const body = bodies[0] as { matchEmail: unknown; prospect: Record<string, unknown> }
          expect(typeof body.matchEmail).toBe('string')
          expect(body.matchEmail).not.toBe('')
          const raw = JSON.stringify(body)
          expect(raw).not.toContain('[object Object]')
          for (const [key, v] of Object.entries(body.prospect)) {
            expect(
              ['string', 'number', 'boolean'].includes(typeof v) || (v === null && !(key in prospects.fields))
            ).toBe(true)
          }
        } else {
          expect(bodies).toHaveLength(0)
          const err = error as { name?: string; status?: number; message?: string }
          expect(err).toBeInstanceOf(Error)
          expect(CUSTOM_ERROR_NAMES).toContain(err.name)
          expect(err.status).toBeGreaterThanOrEqual(400)
          expect(err.status).toBeLessThan(500)
          expect(typeof err.message).toBe('string')
          expect(err.message?.length).toBeGreaterThan(10)
        }
      }),
      { seed: 20261122, numRuns: 2000 }
    )
  }, 60_000)
})
