/**
 * What the scripts that compare this destination with Segment's published Pardot (Actions) share: loading the
 * published destination when it is unpacked in node_modules, its mapping fields, and answering the engine's
 * requests in-process.
 */
import { dirname, join } from 'node:path'
import { defaultValues, type DestinationDefinition, type JSONObject } from '@segment/actions-core'

// The published package keeps its Pardot destination under its slug (checked against 3.497.0's tarball).
const SEGMENT_PACKAGE = '@segment/action-destinations/dist/destinations/actions-pardot'

/** Segment's published destination, or why it is not here. */
export function segmentPardot(): DestinationDefinition<unknown> | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(SEGMENT_PACKAGE) as { default: DestinationDefinition<unknown> }).default
  } catch (error) {
    const notThere = (error as { code?: string }).code === 'MODULE_NOT_FOUND'
    return notThere
      ? `skipped: Segment's published Pardot destination (${SEGMENT_PACKAGE}) is not installed here (@segment/action-destinations does not install from this registry; docs/benchmarks.md says how to unpack it by hand)`
      : `skipped: Segment's published Pardot destination did not load: ${(error as Error).message}`
  }
}

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

/**
 * actions-core's fetch module. The engine sends every request through its default export, read at call time, so
 * replacing it takes effect: answering there keeps sockets and HTTP interceptors (nock alone costs more than the
 * action) out of the figures.
 */
export interface EngineTransport {
  default: (input: Request | string, init?: RequestInit) => Promise<Response>
  Request: typeof Request
}

// The package's exports map hides the module, so it is loaded by its file path next to the entry point.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const transport = require(join(dirname(require.resolve('@segment/actions-core')), 'fetch')) as EngineTransport

export const engineTransport = (): EngineTransport => transport

/** Runs `work` with every request the engine makes answered by `answer`, then restores the real transport. */
export async function withStubbedPardot<T>(
  answer: (request: Request) => Promise<Response>,
  work: () => Promise<T>
): Promise<T> {
  const realFetch = transport.default
  // The engine always hands its fetch a Request.
  transport.default = answer as EngineTransport['default']
  try {
    return await work()
  } finally {
    transport.default = realFetch
  }
}
