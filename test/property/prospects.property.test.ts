import fc from 'fast-check'
import nock from 'nock'
import { Destination, defaultValues, type JSONObject, type JSONValue } from '@segment/actions-core'
import definition from '../../src/destinations/pardot'
import prospects from '../../src/destinations/pardot/prospects'
import { standardFields } from '../../src/destinations/pardot/prospects/mapping-fields'
import { PROD_API, settings, UPSERT } from '../../src/destinations/pardot/__tests__/helpers'

/**
 * Whatever events and mappings users send, the prospects action ends in exactly one well-formed upsert or in an
 * actions-core error with a 4xx status and a message naming what to fix: never a TypeError or an unclassified error.
 */

const destination = new Destination(definition)
const defaults = defaultValues(prospects.fields) as JSONObject
const STANDARD_KEYS = Object.keys(standardFields)

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', 'a@b.co', 'Ann@Example.com', '__proto__', 'null', 'toString'),
  fc.string({ minLength: 5000, maxLength: 20000 })
)
const scalar: fc.Arbitrary<JSONValue> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) }
)
// Mostly one value, as real traits are; lists and objects often enough that every few runs meet one.
const value = (scalarWeight: number): fc.Arbitrary<JSONValue> =>
  fc.oneof(
    { weight: scalarWeight, arbitrary: scalar },
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
const traitValue = value(40)
// About 80% valid addresses, so most runs get as far as the upsert; the rest are padded, mixed case or anything.
const emailTrait: fc.Arbitrary<JSONValue> = fc.oneof(
  { weight: 16, arbitrary: fc.emailAddress() },
  { weight: 2, arbitrary: fc.emailAddress().map((e) => ` ${e.toUpperCase()}\t`) },
  { weight: 2, arbitrary: traitValue }
)
const traits = fc.record(
  {
    email: emailTrait,
    first_name: traitValue,
    last_name: traitValue,
    phone: traitValue,
    company: traitValue,
    title: traitValue,
    website: traitValue,
    plan: traitValue,
    address: fc.oneof(
      traitValue,
      fc.record(
        { city: traitValue, state: traitValue, postal_code: traitValue, country: traitValue },
        { requiredKeys: [] }
      )
    )
  },
  { requiredKeys: ['email'] }
)
const traitKeys = ['email', 'first_name', 'last_name', 'phone', 'company', 'title', 'website', 'plan', 'address']
const traitPath = fc.constantFrom(...traitKeys).map((key): JSONValue => ({ '@path': `$.traits.${key}` }))

const otherFieldKeys = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'department',
      'annualRevenue',
      'optedOut',
      'score',
      'email',
      'firstName',
      'Plan__c',
      'Seats__c',
      'Interests__c'
    )
  },
  { weight: 1, arbitrary: fc.constantFrom('id', 'grade', 'createdAt', 'first_name', 'job_title', 'JobTitle', 'EMAIL') },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a.b') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).filter((k) => !k.startsWith('@')) }
)
const otherFieldValue = fc.oneof(
  { weight: 4, arbitrary: value(6) },
  { weight: 2, arbitrary: traitPath },
  { weight: 1, arbitrary: fc.constant<JSONValue>({ '@path': '$.traits.missing.deeply' }) }
)
// A standard field mapped to another trait, a missing path, a fixed value, or left empty.
const standardMapping = fc.dictionary(
  fc.constantFrom(...STANDARD_KEYS),
  fc.oneof(traitPath, fc.constant<JSONValue>({ '@path': '$.traits.missing' }), text, fc.constant<JSONValue>('')),
  { maxKeys: 4 }
)
const mapping = fc.record(
  {
    customFields: fc.dictionary(otherFieldKeys, otherFieldValue, { maxKeys: 3 }),
    email: fc.oneof(
      { weight: 8, arbitrary: fc.constant<JSONValue>(defaults.email) },
      { weight: 1, arbitrary: fc.constantFrom<JSONValue>({ '@path': '$.traits.plan' }, { '@path': '$.userId' }) }
    ),
    normalizeEmail: fc.boolean(),
    secondaryDeletedSearch: fc.oneof(
      { weight: 8, arbitrary: fc.boolean() },
      { weight: 1, arbitrary: fc.constant<JSONValue>({ '@path': '$.traits.plan' }) }
    )
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
const RUNS = 600

/** The words by which a user finds, in a refusal, the mapping field or Other Fields key to fix. */
function namesOf(m: JSONObject): string[] {
  const keys = Object.keys((m.customFields as JSONObject | undefined) ?? {}).map((k) => `"${k}"`)
  const fields = Object.entries(prospects.fields).flatMap(([id, field]) => [`'${id}'`, field.label])
  return [...fields, ...keys, 'a field has an empty name']
}

describe('the prospects action under generated input', () => {
  it('always ends in one well-formed upsert or a 4xx error naming what to fix', async () => {
    const bodies: string[] = []
    nock(PROD_API)
      .persist()
      .post(UPSERT)
      .reply(201, { id: 1 })
      // The raw text that went over the wire, so a body that only looks right once parsed is caught too.
      .on('request', (_req, _interceptor, body: string) => bodies.push(body))
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

    let upserts = 0
    await fc.assert(
      fc.asyncProperty(event, mapping, standardMapping, async (e, m, standard) => {
        bodies.length = 0
        const fullMapping = { ...defaults, ...standard, ...m }
        const subscription = {
          subscribe: 'type = "identify" or type = "track"',
          partnerAction: 'prospects',
          mapping: fullMapping
        }
        let error: unknown
        try {
          await destination.onEvent(
            { ...e, messageId: 'm1', timestamp: '2026-01-01T00:00:00Z' },
            {
              ...settings,
              subscription,
              oauth: { access_token: 'tok' }
            }
          )
        } catch (caught) {
          error = caught
        }
        if (error === undefined) {
          upserts++
          expect(bodies).toHaveLength(1)
          const body = JSON.parse(bodies[0]) as { matchEmail: unknown; prospect: Record<string, unknown> }
          expect(typeof body.matchEmail).toBe('string')
          const matchEmail = body.matchEmail as string
          expect(matchEmail).toMatch(/^[^\s@]+@[^\s@]+$/)
          if (fullMapping.normalizeEmail === true) expect(matchEmail).toBe(matchEmail.trim().toLowerCase())
          const other = fullMapping.customFields ?? {}
          if (!Object.prototype.hasOwnProperty.call(other, 'email')) expect(body.prospect.email).toBe(matchEmail)
          // A stringified object would be a value the user never sent (unless an input held that very text).
          if (!JSON.stringify([e, m, standard]).includes('[object Object]')) {
            expect(bodies[0]).not.toContain('[object Object]')
          }
          for (const [key, v] of Object.entries(body.prospect)) {
            expect(['string', 'number', 'boolean'].includes(typeof v) || v === null).toBe(true)
            // Empty standard fields are left out; only an Other Fields entry may clear a field with null.
            if (v === null) expect(Object.prototype.hasOwnProperty.call(other, key)).toBe(true)
          }
        } else {
          expect(bodies).toHaveLength(0)
          const err = error as { name?: string; status?: number; message?: string }
          expect(err).toBeInstanceOf(Error)
          expect(CUSTOM_ERROR_NAMES).toContain(err.name)
          expect(err.status).toBeGreaterThanOrEqual(400)
          expect(err.status).toBeLessThan(500)
          const message = err.message ?? ''
          const named = namesOf(fullMapping).filter((name) => message.includes(name))
          if (named.length === 0) throw new Error(`The refusal names no field: ${message}`)
        }
      }),
      { seed: 20261122, numRuns: RUNS }
    )
    // Without this, generators that never reach an upsert would let every upsert check pass unrun.
    expect(upserts).toBeGreaterThanOrEqual(RUNS * 0.3)
  }, 30_000)
})
