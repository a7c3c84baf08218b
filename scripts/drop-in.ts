/**
 * `npm run drop-in`: sends the same generated events, with the same saved Segment mapping, through this destination
 * and through Segment's published Pardot (Actions), and compares the requests each would send Pardot.
 * Flags: USAGE below (`npm run drop-in -- --help`). Needs the published package unpacked in node_modules
 * (docs/benchmarks.md, "Segment's published destination").
 */
import { Destination, Response, type DestinationDefinition, type JSONObject } from '@segment/actions-core'
import fc from 'fast-check'
import ours from '../src/destinations/pardot'
import { parseNumber } from '../src/cli-flags'
import { defaultMapping, segmentPardot, withStubbedPardot } from './segment'
import { scriptOptions } from './flags'

const USAGE = `npm run drop-in [-- flags]: the same generated events through this destination and Segment's, compared.
  --events 3000   generated events (fast-check runs)
  --seed 7        fast-check's seed: the same seed, the same events`

const FLAGS = { events: { type: 'string' }, seed: { type: 'string' } } as const

interface Sent {
  method: string
  url: string
  businessUnit: string | null
  body: string
}

interface Outcome {
  requests: Sent[]
  error?: string
}

async function deliver(definition: DestinationDefinition<unknown>, event: JSONObject, mapping: JSONObject) {
  const requests: Sent[] = []
  const record = async (request: Request) => {
    const body = await request.text()
    requests.push({
      method: request.method,
      url: request.url,
      businessUnit: request.headers.get('pardot-business-unit-id'),
      body
    })
    return new Response('{"id":1}', { status: 201, headers: { 'content-type': 'application/json' } })
  }
  const settings = {
    businessUnitID: '0Uv000000000001AAA',
    accountID: '1',
    isSandbox: event.type === 'track',
    subscription: { subscribe: 'type = "identify" or type = "track"', partnerAction: 'prospects', mapping },
    oauth: { access_token: 'token' }
  } as unknown as JSONObject
  const outcome: Outcome = { requests }
  await withStubbedPardot(record, () =>
    new Destination(definition).onEvent(event as never, settings).catch((error: unknown) => {
      outcome.error = (error as Error).message
    })
  )
  return outcome
}

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'Ann', 'Ünïcödé ✓', 'a,b;"c"'))
const value = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null))
const email = fc.oneof(
  fc.emailAddress(),
  fc.constantFrom('Ann@Example.com', 'x.y+z@sub.example.org', ' ann@example.com ', 'not-an-email')
)
const bag = fc.record(
  {
    email,
    first_name: value,
    last_name: value,
    phone: value,
    company: value,
    title: value,
    website: value,
    address: fc.record({ city: value, state: value, postal_code: value, country: value }, { requiredKeys: [] })
  },
  { requiredKeys: [] }
)
const event = fc.record({
  type: fc.constantFrom('identify', 'track'),
  traits: fc.option(bag, { nil: undefined }),
  properties: fc.option(bag, { nil: undefined })
})
const mappingChanges = fc.record(
  {
    salutation: fc.constantFrom('Ms.', { '@path': '$.traits.salutation' }),
    industry: fc.constantFrom('Software', { '@path': '$.properties.industry' }),
    secondaryDeletedSearch: fc.boolean(),
    customFields: fc.dictionary(
      fc.constantFrom('Plan__c', 'Notes__c', 'department', 'annualRevenue', 'email'),
      fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean()),
      { maxKeys: 3 }
    )
  },
  { requiredKeys: [] }
)

/** Requests other than reads of the custom field catalogue, which only this destination makes (docs/drop-in.md). */
const writes = (outcome: Outcome) => outcome.requests.filter((r) => !r.url.includes('/objects/custom-fields'))

async function main() {
  const { events, seed } = scriptOptions(FLAGS, USAGE, (flags) => ({
    events: parseNumber('--events', flags.events ?? '3000', { integer: true, min: 1 }),
    seed: parseNumber('--seed', flags.seed ?? '7', { integer: true })
  }))
  const segment = segmentPardot()
  if (typeof segment === 'string') {
    console.log(segment)
    return
  }
  const counts = { identical: 0, identicalAfterCatalogueRead: 0, bothRefused: 0, different: 0 }
  // Refused before any request here, sent on by Segment's: deliberate (docs/drop-in.md), counted by reason.
  const refusedHereOnly = new Map<string, number>()
  const examples: unknown[] = []
  const mapping = defaultMapping(ours as DestinationDefinition<unknown>, true)
  await fc.assert(
    fc.asyncProperty(event, mappingChanges, async (generated, changes) => {
      const sent = { ...generated, messageId: 'm1', timestamp: '2026-01-01T00:00:00Z', userId: 'u1' } as JSONObject
      const a = await deliver(ours as DestinationDefinition<unknown>, sent, { ...mapping, ...changes })
      const b = await deliver(segment, sent, { ...mapping, ...changes })
      if (a.error !== undefined && b.error !== undefined) counts.bothRefused++
      else if (JSON.stringify(a) === JSON.stringify(b)) counts.identical++
      else if (a.error === undefined && JSON.stringify(writes(a)) === JSON.stringify(b.requests))
        counts.identicalAfterCatalogueRead++
      else if (a.error !== undefined && a.requests.length === 0) {
        const reason = a.error.replace(/"[^"]*"/g, '"…"')
        refusedHereOnly.set(reason, (refusedHereOnly.get(reason) ?? 0) + 1)
      } else {
        counts.different++
        if (examples.length < 5) examples.push({ event: sent, changes, ours: a, segment: b })
      }
    }),
    { numRuns: events, seed }
  )
  console.log(`Same events and saved mapping through both destinations (fast-check seed ${seed}):`)
  console.log(`identical requests                       ${counts.identical}`)
  console.log(`identical upsert after a catalogue read  ${counts.identicalAfterCatalogueRead}`)
  console.log(`refused by both                          ${counts.bothRefused}`)
  for (const [reason, count] of refusedHereOnly) console.log(`refused here only (${reason})  ${count}`)
  console.log(`different                                ${counts.different}`)
  for (const example of examples) console.log(JSON.stringify(example))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
