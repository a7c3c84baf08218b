import {
  defaultValues,
  type DestinationDefinition,
  type JSONObject,
  type RefreshAccessTokenResult,
  type Result,
  type SegmentEvent,
  transform
} from '@segment/actions-core'
import { pardotCodeIn } from '../destinations/pardot/errors'
import { redactDeep, toExchange, type Exchange } from './exchanges'
import { destinationFor, liveOAuth } from './engine'
import { fromMultistatus, RETRYABLE, type PendingImport } from './multistatus'
import { backoff, DeadlineExceeded, DEFAULT_RETRY, type ConcurrencyLimiter, type RetryPolicy } from './limiter'
import { ExchangePreview, preview } from './preview'
import { batchSize, EVENTS_AT_ONCE, inChunks, inTurn, quotaUsedUp, takeSlot } from './turns'
import {
  AttemptWatch,
  cancelledOutcome,
  DEFAULT_SLOW_PARDOT,
  slowOutcome,
  watched,
  type SlowPardotPolicy
} from './watch'

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

export interface FailureReport {
  status: number
  code?: string
  message: string
  retryable: boolean
}

export type { PendingImport }

export interface EventOutcome {
  ok: boolean
  status: number
  results?: Result[]
  error?: FailureReport
  pending?: PendingImport
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The error code of an event that ran out of time in the server: not refused, so the platform sends it again. */
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED'

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
  const credentials = call.credentials
  const policy = call.retry ?? DEFAULT_RETRY
  // One deadline for the whole call, queueing and pauses included, so no caller waits without bound.
  const deadline = Date.now() + policy.deadlineMs
  // This call's turn in the business unit's line: callers take turns, so a large call cannot hold back a small one.
  const caller = Symbol('call')
  const id = call.settings.businessUnitID
  const businessUnit = typeof id === 'string' ? id.trim() : ''
  let tokenRefreshed = false
  let retries = 0
  const options = {
    onTokenRefresh: (tokens: RefreshAccessTokenResult) => {
      tokenRefreshed = true
      credentials.accessToken = tokens.accessToken
      if (tokens.refreshToken) credentials.refreshToken = tokens.refreshToken
      return Promise.resolve()
    }
  }
  const originalSecrets = [credentials.accessToken, credentials.refreshToken, credentials.clientSecret]
  const secrets = () => [...originalSecrets, credentials.accessToken, credentials.refreshToken]
  // Settings are rebuilt for each attempt; their tokens are read when the engine uses them (a request waits for its
  // slot after it is built, and its refresh must send the newest refresh token), and its refresh writes them back.
  const settings = () =>
    ({
      ...call.settings,
      subscription: { subscribe: MATCH_ALL, partnerAction: call.slug, mapping },
      oauth: liveOAuth(credentials)
    }) as unknown as JSONObject

  /**
   * One attempt. Each request holds a slot of the business unit from when it is sent until Pardot answers it (the
   * request hooks in watch.ts): the engine's own work happens outside the slots. The deadline timer starts with the
   * first request (waiting in line or through a pause ends with the limiter's own reason); work still running at the
   * deadline, or slower than its timeout, is reported now (retryable) and finishes in the background, keeping its
   * slot until Pardot answers (or the ceiling passes), since a retry in a freed slot would be a sixth request.
   */
  const attempt = (work: () => Promise<Result[]>): Promise<EventOutcome> => {
    if (call.signal?.aborted) return Promise.resolve(cancelledOutcome())
    if (Date.now() >= deadline) return Promise.resolve(late('the deadline came before it could be sent'))
    return new Promise<EventOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      /** Why the attempt stopped before a request was sent (deadline in line, caller gone), if it did. */
      let stopped: EventOutcome | undefined
      const watch = new AttemptWatch((ms) => resolve(slowOutcome(ms)), {
        take: () =>
          takeSlot(call.limiter, businessUnit, deadline, caller, call.signal).catch((error: unknown) => {
            stopped = error instanceof DeadlineExceeded ? late(error.message) : cancelledOutcome()
            throw error
          }),
        sent: () => {
          timer ??= setTimeout(() => resolve(late('Pardot had not answered yet')), Math.max(0, deadline - Date.now()))
        },
        // Paused while the slot is still held, so no queued request slips out before the pause.
        answered: (response) => quotaUsedUp(response) && call.limiter?.pause(businessUnit, policy.quotaPauseMs),
        record: (response) => exchanges.add(() => toExchange(response, secrets())),
        token: () => credentials.accessToken
      })
      watched(watch, work)
        .then(
          (results): EventOutcome => ({ ok: true, status: 200, results }),
          (error: unknown): EventOutcome => {
            if (stopped) return stopped
            const report = failure(error, secrets())
            return { ok: false, status: report.status, error: report }
          }
        )
        .then((outcome) => {
          // A quota answer the hooks could not read (a batch's rows) still pauses the business unit.
          const failures = outcome.ok ? fromMultistatus(outcome.results ?? []) : [outcome]
          if (failures.some((f) => pardotCodeIn(f.error?.message) === 122))
            call.limiter?.pause(businessUnit, policy.quotaPauseMs)
          resolve(outcome)
        })
        .catch(() => undefined)
        .finally(() => (clearTimeout(timer), watch.settle(slowPolicy)))
    })
  }

  const slowPolicy = call.slowPardot ?? DEFAULT_SLOW_PARDOT
  const late = (why: string): EventOutcome => {
    const report: FailureReport = {
      status: 504,
      code: DEADLINE_EXCEEDED,
      message: `Not delivered within the server's ${policy.deadlineMs / 1000} s deadline: ${why}. The event was not refused; send it again later.`,
      retryable: true
    }
    return { ok: false, status: report.status, error: report }
  }

  /** Repeats a retryable failure with backoff, within the policy; then reports it, still retryable. */
  const withRetry = async <T extends EventOutcome>(
    run: () => Promise<T[]>,
    again: (failed: number[]) => () => Promise<T[]>
  ): Promise<T[]> => {
    const started = Date.now()
    let outcomes = await run()
    for (let n = 1; n < policy.attempts; n++) {
      const failed = outcomes.flatMap((o, i) => (!o.ok && o.error?.retryable ? [i] : []))
      if (failed.length === 0 || call.signal?.aborted) break
      const delay = backoff(policy, n)
      if (Date.now() - started + delay > policy.budgetMs || Date.now() + delay >= deadline) break
      await sleep(delay)
      retries += 1
      const retried = await again(failed)()
      // Each retried outcome goes straight to its place: linear in the events, however many failed.
      const merged = outcomes.slice()
      failed.forEach((i, k) => (merged[i] = lastWord(outcomes[i], retried[k])))
      outcomes = merged
    }
    return outcomes
  }

  const one = (event: SegmentEvent) =>
    withRetry(
      async () => [await attempt(() => destination.onEvent(event, settings(), options))],
      () => async () => [await attempt(() => destination.onEvent(event, settings(), options))]
    ).then(([outcome]) => outcome)

  const batch = (events: SegmentEvent[]): Promise<EventOutcome[]> => {
    const send = async (subset: SegmentEvent[]) => {
      const outcome = await attempt(() => destination.onBatch(subset, settings(), options))
      return outcome.ok ? fromMultistatus(outcome.results ?? []) : subset.map(() => outcome)
    }
    return withRetry(
      () => send(events),
      (failed) => () => send(failed.map((i) => events[i]))
    )
  }

  let report: EventOutcome & { events?: EventOutcome[] }
  if (!Array.isArray(call.payload)) {
    report = await one(call.payload)
  } else if (action.performBatch && mapping.enable_batching === true) {
    // As Segment's platform does: batching is the mapping's choice, in batches of at most batch_size.
    const fallback = batchSize(action.fields.batch_size?.default, call.payload.length)
    const size = batchSize(mapping.batch_size, fallback)
    const events = (await inChunks(call.payload, size, call.limiter?.max ?? 5, batch)).flat()
    report = { ok: events.every((e) => e.ok), status: 200, events }
  } else {
    const events = call.payload
    const outcomes = await inTurn(events.length, EVENTS_AT_ONCE, (i) => one(events[i]))
    report = { ok: outcomes.every((e) => e.ok), status: 200, events: outcomes }
  }
  // Redacted before the preview cuts anything, so no cut leaves half a secret showing (the exchanges were, as they
  // came); then the rest of the answer, so a payload value equal to a secret is hidden everywhere.
  const payload = preview(redactDeep(mapped(mapping, call.payload), secrets()))
  return { ...redactDeep({ ...report, tokenRefreshed, retries }, secrets()), payload, ...exchanges.result() }
}

/** An attempt cut short by the deadline says what the one before it met, which is what the user can act on. */
function lastWord<T extends EventOutcome>(before: T, after: T): T {
  if (after.error?.code !== DEADLINE_EXCEEDED || !before.error) return after
  return { ...after, error: { ...after.error, message: `${after.error.message} Last answer: ${before.error.message}` } }
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

/**
 * A thrown value as a report the caller can read. The message goes through the same redactor as the rest of the
 * answer (encoded forms too), and nothing here may throw: a value whose `toString` or getters throw
 * would otherwise escape the limiter's rejection handler and leave the request unanswered.
 */
export function failure(error: unknown, secrets: (string | undefined)[]): FailureReport {
  try {
    const e = (typeof error === 'object' && error !== null ? error : {}) as {
      status?: unknown
      code?: unknown
      message?: unknown
      response?: { status?: unknown }
    }
    const status = Number(e.status ?? e.response?.status ?? 500) || 500
    const message = typeof e.message === 'string' ? e.message : String(error)
    return {
      status,
      code: typeof e.code === 'string' ? redactDeep(e.code, secrets) : undefined,
      message: redactDeep(message, secrets),
      retryable: RETRYABLE(status)
    }
  } catch {
    return { status: 500, message: 'The request failed with an error that cannot be shown.', retryable: true }
  }
}
