import {
  defaultValues,
  Destination,
  type DestinationDefinition,
  type JSONObject,
  type RefreshAccessTokenResult,
  type Result,
  type SegmentEvent,
  transform
} from '@segment/actions-core'
import { redact } from '../destinations/pardot/errors'
import { toExchanges, type Exchange } from './exchanges'

/** Every event matches: the caller chose the action by its URL, as with Segment's `serve`. */
const MATCH_ALL = 'type = "identify" or type != "identify"'

export interface Credentials {
  accessToken?: string
  refreshToken?: string
  clientId?: string
  clientSecret?: string
}

export interface ActionCall {
  slug: string
  payload: SegmentEvent | SegmentEvent[]
  settings: JSONObject
  mapping?: JSONObject
  useDefaultMappings?: boolean
  credentials: Credentials
  /** Called when the engine refreshed the token, so the next call uses the new one. */
  onTokenRefresh?: (tokens: RefreshAccessTokenResult) => void
}

export interface FailureReport {
  status: number
  code?: string
  message: string
  retryable: boolean
}

export interface EventOutcome {
  ok: boolean
  status: number
  results?: Result[]
  error?: FailureReport
}

export interface DeliveryReport extends EventOutcome {
  /** What the mapping made of the event (an array for an array of events), before the action's checks. */
  payload?: JSONObject | JSONObject[]
  events?: EventOutcome[]
  requests: Exchange[]
  tokenRefreshed: boolean
}

const RETRYABLE = (status: number) => status >= 500 || [408, 423, 429].includes(status)

/**
 * Delivers through `Destination.onEvent`/`onBatch`, exactly as the engine does in production:
 * a 401 refreshes the token and retries once.
 */
export async function deliver(definition: DestinationDefinition<unknown>, call: ActionCall): Promise<DeliveryReport> {
  const action = definition.actions[call.slug]
  const destination = new Destination(definition)
  const mapping =
    call.mapping && !call.useDefaultMappings
      ? call.mapping
      : { ...defaultValues(action.fields), ...(call.mapping ?? {}) }
  const credentials = { ...call.credentials }
  let tokenRefreshed = false
  const options = {
    onTokenRefresh: (tokens: RefreshAccessTokenResult) => {
      tokenRefreshed = true
      credentials.accessToken = tokens.accessToken
      if (tokens.refreshToken) credentials.refreshToken = tokens.refreshToken
      call.onTokenRefresh?.(tokens)
      return Promise.resolve()
    }
  }
  const secrets = () => [
    call.credentials.accessToken,
    call.credentials.refreshToken,
    call.credentials.clientSecret,
    credentials.accessToken,
    credentials.refreshToken
  ]
  // Settings are rebuilt for each attempt: the engine mutates the oauth object when it refreshes.
  const settings = () =>
    ({
      ...call.settings,
      subscription: { subscribe: MATCH_ALL, partnerAction: call.slug, mapping },
      oauth: {
        access_token: credentials.accessToken,
        refresh_token: credentials.refreshToken,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret
      }
    }) as unknown as JSONObject

  const run = async (work: () => Promise<Result[]>): Promise<EventOutcome> => {
    try {
      return { ok: true, status: 200, results: await work() }
    } catch (error) {
      const report = failure(error, secrets())
      return { ok: false, status: report.status, error: report }
    }
  }

  let report: EventOutcome & { events?: EventOutcome[] }
  if (!Array.isArray(call.payload)) {
    const event = call.payload
    report = await run(() => destination.onEvent(event, settings(), options))
  } else if (action.performBatch) {
    const events = call.payload
    const outcome = await run(() => destination.onBatch(events, settings(), options))
    report = { ...outcome, events: outcome.ok ? fromMultistatus(outcome.results ?? []) : undefined }
  } else {
    const events: EventOutcome[] = []
    for (const event of call.payload) events.push(await run(() => destination.onEvent(event, settings(), options)))
    report = { ok: events.every((e) => e.ok), status: 200, events }
  }
  const requests = toExchanges(destination.responses, secrets())
  return { ...report, payload: mapped(mapping, call.payload), requests, tokenRefreshed }
}

/** The mapped payload, computed as the engine does; a mapping it cannot apply already failed the delivery. */
function mapped(mapping: JSONObject, payload: SegmentEvent | SegmentEvent[]): JSONObject | JSONObject[] | undefined {
  const one = (event: SegmentEvent) => transform(mapping, event as unknown as Parameters<typeof transform>[1])
  try {
    return Array.isArray(payload) ? payload.map(one) : one(payload)
  } catch {
    return undefined
  }
}

function fromMultistatus(results: Result[]): EventOutcome[] {
  const multistatus = (results[0] as { multistatus?: { status: number; errormessage?: string; errortype?: string }[] })
    ?.multistatus
  return (multistatus ?? []).map((entry) => {
    const ok = entry.status >= 200 && entry.status < 300
    return ok
      ? { ok, status: entry.status }
      : {
          ok,
          status: entry.status,
          error: {
            status: entry.status,
            code: entry.errortype,
            message: entry.errormessage ?? '',
            retryable: RETRYABLE(entry.status)
          }
        }
  })
}

export function failure(error: unknown, secrets: (string | undefined)[]): FailureReport {
  const e = error as { status?: unknown; code?: unknown; message?: unknown; response?: { status?: unknown } }
  const status = Number(e?.status ?? e?.response?.status ?? 500) || 500
  return {
    status,
    code: typeof e?.code === 'string' ? e.code : undefined,
    message: redact(typeof e?.message === 'string' ? e.message : String(error), secrets),
    retryable: RETRYABLE(status)
  }
}
