/**
 * Per-event CPU cost of the prospects action: events/second through Destination.onEvent, the network stubbed
 * in-process, so the figure is the engine plus our mapping, validation and request building.
 */
import { dirname, join } from 'node:path'
import {
  Destination,
  defaultValues,
  Response,
  type DestinationDefinition,
  type JSONObject
} from '@segment/actions-core'

/**
 * actions-core sends every request through its fetch module's default export, read at call time. Answering there
 * keeps sockets and HTTP interceptors (nock alone costs more than the action) out of the figure.
 */
// The package's exports map hides the module, so it is loaded by its file path next to the entry point.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transport = require(join(dirname(require.resolve('@segment/actions-core')), 'fetch')) as {
  default: (request: Request) => Promise<unknown>
}

async function stubbedPardot(request: Request): Promise<Response> {
  await request.text()
  return new Response(JSON.stringify({ id: 1 }), { status: 201, headers: { 'content-type': 'application/json' } })
}

// The published package keeps its Pardot destination under its slug (checked against 3.497.0's tarball).
const SEGMENT_PACKAGE = '@segment/action-destinations/dist/destinations/actions-pardot'

export function segmentPardot(): DestinationDefinition<unknown> | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(SEGMENT_PACKAGE) as { default: DestinationDefinition<unknown> }).default
  } catch (error) {
    const notThere = (error as { code?: string }).code === 'MODULE_NOT_FOUND'
    return notThere
      ? `skipped: Segment's published Pardot destination (${SEGMENT_PACKAGE}) is not installed here (@segment/action-destinations does not install from this registry; README, Benchmarks, says how to unpack it by hand)`
      : `skipped: Segment's published Pardot destination did not load: ${(error as Error).message}`
  }
}

/** CPU-seconds (user + system) per event, turned into events per CPU-second: waiting on sockets does not count. */
/** The mapping fields of Segment's published prospects action: what a migrated destination's saved mapping holds. */
const SEGMENT_FIELDS = [
  'email',
  'firstName',
  'lastName',
  'salutation',
  'phone',
  'company',
  'jobTitle',
  'industry',
  'city',
  'state',
  'zip',
  'country',
  'website',
  'secondaryDeletedSearch',
  'customFields'
]

/** The default mapping of `definition`'s prospects action, or only its part Segment's destination knows. */
export function defaultMapping(definition: DestinationDefinition<unknown>, segmentFieldsOnly = false): JSONObject {
  const defaults = defaultValues(definition.actions.prospects.fields)
  if (!segmentFieldsOnly) return defaults
  return Object.fromEntries(Object.entries(defaults).filter(([key]) => SEGMENT_FIELDS.includes(key)))
}

export async function eventsPerSecond(
  definition: DestinationDefinition<unknown>,
  events: number,
  mapping: JSONObject = defaultMapping(definition)
): Promise<number> {
  const destination = new Destination(definition)
  const settings = {
    businessUnitID: '0Uv000000000001AAA',
    accountID: '1',
    isSandbox: false,
    subscription: { subscribe: 'type = "identify"', partnerAction: 'prospects', mapping },
    oauth: { access_token: 'tok' }
  } as unknown as JSONObject
  const realFetch = transport.default
  transport.default = stubbedPardot
  const event = (i: number) =>
    ({
      type: 'identify',
      messageId: `m${i}`,
      timestamp: '2026-01-01T00:00:00Z',
      userId: `u${i}`,
      traits: {
        email: `user${i}@example.com`,
        first_name: 'Ann',
        last_name: 'Lee',
        company: 'Acme',
        title: 'CTO',
        address: { city: 'Austin', state: 'TX', postal_code: '78701', country: 'US' }
      }
    }) as never
  try {
    for (let i = 0; i < 500; i++) await destination.onEvent(event(i), settings) // warm-up
    const before = process.cpuUsage()
    for (let i = 0; i < events; i++) await destination.onEvent(event(i), settings)
    const used = process.cpuUsage(before)
    return events / ((used.user + used.system) / 1e6)
  } finally {
    transport.default = realFetch
  }
}
