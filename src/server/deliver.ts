import {
  defaultValues,
  type DestinationDefinition,
  type JSONObject,
  type RefreshAccessTokenResult,
  type SegmentEvent,
  transform
} from '@segment/actions-core'
import { PacedDelivery, type DeliveryLimits } from './paced-delivery'
import { destinationFor, liveOAuth } from './engine'
import { redactDeep, toExchange, type Exchange } from './exchanges'
import { DEFAULT_RETRY, type ConcurrencyLimiter, type RetryPolicy } from './limiter'
import type { EventOutcome } from './outcomes'
import { ExchangePreview, preview } from './preview'
import { batchSize } from './turns'
import { DEFAULT_SLOW_PARDOT, type SlowPardotPolicy } from './watch'

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
  /** Read at every attempt and updated in place when the engine refreshes the token. */
  credentials: Credentials
  /** Shared by all calls: keeps requests in flight per business unit under Pardot's limit. */
  limiter?: ConcurrencyLimiter
  retry?: RetryPolicy
  /** How long a request Pardot is slow to answer keeps its slot. */
  slowPardot?: SlowPardotPolicy
  /** Aborted when the caller leaves: what is still queued is not sent (what was sent is not undone). */
  signal?: AbortSignal
}

export interface DeliveryReport extends EventOutcome {
  /** What the mapping made of the event (an array for an array of events), before the action's checks. */
  payload?: JSONObject | JSONObject[]
  events?: EventOutcome[]
  /** A bounded preview: as many exchanges as the answer's bound allows. */
  requests: Exchange[]
  /** Exchanges made but left out of `requests` by the bound. */
  requestsNotShown?: number
  tokenRefreshed: boolean
  /** Attempts repeated after a retryable answer, within the retry policy. */
  retries: number
}

/**
 * Delivers through `Destination.onEvent`/`onBatch`, exactly as the engine does in production:
 * a 401 refreshes the token and retries once.
 */
export async function deliver(definition: DestinationDefinition<unknown>, call: ActionCall): Promise<DeliveryReport> {
  const action = definition.actions[call.slug]
  const destination = destinationFor(definition)
  const exchanges = new ExchangePreview()
  const mapping =
    call.mapping && !call.useDefaultMappings
      ? call.mapping
      : { ...defaultValues(action.fields), ...(call.mapping ?? {}) }
  const tokens = new CallTokens(call.credentials)
  const secrets = () => tokens.secrets()
  const delivery = new PacedDelivery(limitsOf(call), {
    secrets,
    record: (response) => exchanges.add(() => toExchange(response, secrets())),
    token: () => call.credentials.accessToken
  })
  // Settings are rebuilt for each attempt; their tokens are read when the engine uses them (a request waits for its
  // slot after it is built, and its refresh must send the newest refresh token), and its refresh writes them back.
  const settings = () =>
    ({
      ...call.settings,
      subscription: { subscribe: MATCH_ALL, partnerAction: call.slug, mapping },
      oauth: liveOAuth(call.credentials)
    }) as unknown as JSONObject
  const one = (event: SegmentEvent) => destination.onEvent(event, settings(), tokens.options)

  let report: EventOutcome & { events?: EventOutcome[] }
  if (!Array.isArray(call.payload)) {
    const event = call.payload
    report = await delivery.event(() => one(event))
  } else if (action.performBatch && mapping.enable_batching === true) {
    // As Segment's platform does: batching is the mapping's choice, in batches of at most batch_size.
    const fallback = batchSize(action.fields.batch_size?.default, call.payload.length)
    const size = batchSize(mapping.batch_size, fallback)
    const events = await delivery.inBatches(call.payload, size, (batch) =>
      destination.onBatch(batch, settings(), tokens.options)
    )
    report = { ok: events.every((e) => e.ok), status: 200, events }
  } else {
    const events = await delivery.oneByOne(call.payload, one)
    report = { ok: events.every((e) => e.ok), status: 200, events }
  }
  const answer = { ...report, tokenRefreshed: tokens.refreshed, retries: delivery.retries }
  // Redacted before the preview cuts anything, so no cut leaves half a secret showing (the exchanges were, as they
  // came); then the rest of the answer, so a payload value equal to a secret is hidden everywhere.
  const payload = preview(redactDeep(mapped(mapping, call.payload), secrets()))
  return { ...redactDeep(answer, secrets()), payload, ...exchanges.result() }
}

/** Where the call's requests queue and how they are retried, from the call. */
function limitsOf(call: ActionCall): DeliveryLimits {
  const id = call.settings.businessUnitID
  return {
    limiter: call.limiter,
    businessUnit: typeof id === 'string' ? id.trim() : '',
    retry: call.retry ?? DEFAULT_RETRY,
    slowPardot: call.slowPardot ?? DEFAULT_SLOW_PARDOT,
    signal: call.signal
  }
}

/** The call's tokens as the engine refreshes them: written back into its credentials, each one kept to be hidden. */
class CallTokens {
  refreshed = false
  private readonly original: (string | undefined)[]
  readonly options = {
    onTokenRefresh: (tokens: RefreshAccessTokenResult) => {
      this.refreshed = true
      this.credentials.accessToken = tokens.accessToken
      if (tokens.refreshToken) this.credentials.refreshToken = tokens.refreshToken
      return Promise.resolve()
    }
  }

  constructor(private readonly credentials: Credentials) {
    this.original = [credentials.accessToken, credentials.refreshToken, credentials.clientSecret]
  }

  secrets(): (string | undefined)[] {
    return [...this.original, this.credentials.accessToken, this.credentials.refreshToken]
  }
}

/** Mapped payloads are reported for at most this many events: mapping again costs as much as the delivery's own. */
export const MAPPED_PAYLOAD_LIMIT = 100

/** The mapped payload, computed as the engine does; a mapping it cannot apply already failed the delivery. */
function mapped(mapping: JSONObject, payload: SegmentEvent | SegmentEvent[]): JSONObject | JSONObject[] | undefined {
  const one = (event: SegmentEvent) => transform(mapping, event as unknown as Parameters<typeof transform>[1])
  if (Array.isArray(payload) && payload.length > MAPPED_PAYLOAD_LIMIT) return undefined
  try {
    return Array.isArray(payload) ? payload.map(one) : one(payload)
  } catch {
    return undefined
  }
}
