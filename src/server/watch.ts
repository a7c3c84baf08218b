import { AsyncLocalStorage } from 'node:async_hooks'
import { subscribe } from 'node:diagnostics_channel'
import type { ClientRequest, IncomingMessage } from 'node:http'
import type { DecoratedResponse, DestinationDefinition, RequestOptions } from '@segment/actions-core'
import type { EventOutcome } from './outcomes'

/**
 * Pardot keeps working on a request after the client stops waiting for it, so a request that timed out still
 * counts against its business unit's five. These bound how long one is trusted to end on its own.
 */
export interface SlowPardotPolicy {
  /** A request still unanswered this long after it was sent is cut (aborted) by the request client. */
  ceilingMs: number
  /** A cut request's slot counts as possibly in use until this long after it was sent. */
  penaltyMs: number
}

export const DEFAULT_SLOW_PARDOT: SlowPardotPolicy = { ceilingMs: 60_000, penaltyMs: 120_000 }

/** How long a slot kept by a 401 waits for the refresh or the repeat that should follow at once. */
export const UNCLAIMED_401_MS = 50

/** actions-core's own default request timeout, when a request names none. */
const DEFAULT_TIMEOUT_MS = 10_000

/**
 * What one attempt's requests do through the request client's hooks (given by `deliver`). A business unit's slot
 * is taken right before each request is sent and given back when Pardot has answered it, so mapping, validation,
 * request building and answer handling run outside the slot and five requests are in flight whenever five wait.
 */
export interface AttemptHooks {
  /** Waits for a free slot; resolves with its release, or rejects (deadline, caller gone) and nothing is sent. */
  take?(): Promise<() => void>
  /** A request is on its way (its slot held). */
  sent?(): void
  /** Pardot's answer to a request, seen while its slot is still held (a quota pause starts before it passes on). */
  answered?(response: unknown): void
  /** The engine's record of a request and its answer (what the caller's report shows). */
  record?(response: DecoratedResponse): void
  /** The newest access token of the call: a request built before a refresh may have waited for its slot since. */
  token?(): string | undefined
}

/**
 * Watches the requests of one attempt (one `onEvent`/`onBatch`). When a request outlives its own timeout, the
 * caller hears it at once (`onSlow`) while the request stays open, holding its slot, until Pardot answers or the
 * ceiling passes; no further request is made for an attempt already reported.
 */
export class AttemptWatch {
  /** Reported as timed out: whatever the attempt still does is not the caller's any more. */
  abandoned = false
  private timer?: NodeJS.Timeout
  private sentAt = 0
  private open = false
  /** The slot held by the request in flight, or by one that failed without an answer (until `settle`). */
  private release?: () => void
  /** Gives back a slot a 401 kept, when no refresh or repeat came to use it (the action swallowed the 401). */
  private unclaimed?: NodeJS.Timeout
  /** The request about to go out took its slot in `acquire` (a token refresh takes none): a 2xx answer frees it. */
  private freesOnWire = false

  constructor(
    private readonly onSlow: (timeoutMs: number) => void,
    readonly hooks: AttemptHooks = {}
  ) {}

  /** Takes a slot for the next request, unless one is still held by a request that ended without an answer. */
  async acquire(): Promise<void> {
    if (this.abandoned) throw new Error('This attempt was already reported as timed out; nothing more is sent.')
    clearTimeout(this.unclaimed)
    if (!this.release && this.hooks.take) this.release = await this.hooks.take()
    this.freesOnWire = true
  }

  sent(timeoutMs: number): void {
    if (this.abandoned) throw new Error('This attempt was already reported as timed out; nothing more is sent.')
    clearTimeout(this.timer)
    clearTimeout(this.unclaimed)
    this.sentAt = Date.now()
    this.open = true
    this.hooks.sent?.()
    this.timer = setTimeout(() => {
      this.abandoned = true
      this.onSlow(timeoutMs)
    }, timeoutMs)
  }

  /**
   * The request is on the wire (node's HTTP client starts it). A 2xx answer gives its slot back once its last byte is
   * in, before the engine reads it: Pardot is done with it, and the next request in line goes out in the same turn
   * of the event loop instead of after the engine's work on this answer. Any other answer keeps the slot until the
   * engine has read it (`answered`): a 401 keeps it through the refresh, a code 122 pauses the business unit first.
   */
  onWire(request: ClientRequest): void {
    if (!this.freesOnWire) return
    this.freesOnWire = false
    const release = this.release
    request.once('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0
      // Only this request's slot: by the time its answer ends, the attempt may hold another.
      if (status >= 200 && status < 300) res.once('end', () => this.release === release && this.free())
    })
  }

  answered(response?: unknown, tokenRefresh = false): void {
    clearTimeout(this.timer)
    this.open = false
    this.freesOnWire = false
    this.hooks.answered?.(response)
    // A 401 keeps its slot through the token refresh to the repeated request (as the engine does it, at once):
    // given back, it would let queued requests carrying the same expired token out, each to be answered 401 too.
    // The refresh's own answer keeps it too: the repeat would otherwise queue again, and a quota pause or a long
    // line could outlast the new token.
    if (tokenRefresh) return
    if ((response as { status?: unknown } | undefined)?.status !== 401) return this.free()
    // The engine sends the refresh straight after the 401 (promise continuations, no timer, no I/O before it). An
    // action that swallows a 401 (a poll of an import) sends nothing: the slot goes back instead of being held
    // through its sleep until its next poll.
    this.unclaimed = setTimeout(() => this.free(), UNCLAIMED_401_MS)
  }

  /** Once the attempt's work has ended: how much longer its slot must count as in use. */
  holdFor(policy: SlowPardotPolicy): number {
    clearTimeout(this.timer)
    if (!this.open) return 0
    const age = Date.now() - this.sentAt
    // Cut by the ceiling, Pardot may still be at it; a request that failed sooner (a reset) ended with its socket.
    return age >= policy.ceilingMs ? Math.max(0, policy.penaltyMs - age) : 0
  }

  /** Once the attempt's work has ended: gives back a slot still held, after the hold `holdFor` asks. */
  settle(policy: SlowPardotPolicy): void {
    const hold = this.holdFor(policy)
    if (hold > 0) setTimeout(() => this.free(), hold)
    else this.free()
  }

  private free(): void {
    clearTimeout(this.unclaimed)
    const release = this.release
    this.release = undefined
    release?.()
  }
}

const attempts = new AsyncLocalStorage<AttemptWatch>()

// Node's HTTP client announces each request it starts, in the async context of the code that made it: the attempt
// whose hooks took the slot. (Requests made outside an attempt have no store and are left alone.)
subscribe('http.client.request.start', (message) => {
  attempts.getStore()?.onWire((message as { request: ClientRequest }).request)
})

/** The request client takes hooks in extension options too, though `RequestExtension`'s type leaves them out. */
type Hooked = RequestOptions & {
  beforeRequest?: ((options: HookOptions) => Lifted | void | Promise<RequestOptions | void>)[]
  afterResponse?: ((request: unknown, options: unknown, response: unknown) => void)[]
}

/** What the request hooks read of a request's options. */
interface HookOptions {
  timeout?: number | false
  headers?: unknown
  body?: unknown
  /** The request's own timeout, once it was lifted to the ceiling: when the caller hears it is slow. */
  slowAfterMs?: number
}

type Lifted = RequestOptions & Pick<HookOptions, 'slowAfterMs'>

/** A request's own timeout (the engine's default when it names none). */
const timeoutOf = (options: HookOptions) => (typeof options.timeout === 'number' ? options.timeout : DEFAULT_TIMEOUT_MS)

/**
 * The timeout the extension gives a request that names none: the ceiling (or the engine's default, if that is
 * longer, as the lift never shortens a timeout), plus a millisecond that marks it as the extension's, so a request
 * naming that timeout itself is still told apart (its own timeout is when it is slow).
 */
const defaultTimeout = (policy: SlowPardotPolicy) => Math.max(policy.ceilingMs, DEFAULT_TIMEOUT_MS) + 1

/** When the caller hears a request is slow: at its own timeout, or the engine's default when it named none. */
function slowAfter(options: HookOptions, policy: SlowPardotPolicy): number {
  if (options.timeout === defaultTimeout(policy)) return DEFAULT_TIMEOUT_MS
  return options.slowAfterMs ?? timeoutOf(options)
}

/** Runs an attempt's work with its requests watched. */
export function watched<T>(watch: AttemptWatch, work: () => Promise<T>): Promise<T> {
  return attempts.run(watch, work)
}

/** The attempt whose work is running now, if any. */
export function currentAttempt(): AttemptWatch | undefined {
  return attempts.getStore()
}

/**
 * The definition with every request it makes watched (inside `watched`), its timeout lifted to the ceiling so
 * the request stays open until Pardot answers, and `headers` added (the server's mark on its own requests to the
 * embedded sandbox).
 */
export function watchRequests<S>(
  definition: DestinationDefinition<S>,
  policy: SlowPardotPolicy,
  headers: Record<string, string> = {}
): DestinationDefinition<S> {
  const extend = definition.extendRequest
  return {
    ...definition,
    extendRequest: (data) => {
      const base: Hooked = extend?.(data) ?? {}
      const hooked: Hooked = {
        ...base,
        // In an attempt, a request that names no timeout gets the ceiling from here, not from a hook: options a hook
        // returns make the engine build the whole request again, which costs as much as building it.
        ...(attempts.getStore() ? { timeout: defaultTimeout(policy) } : {}),
        headers: { ...base.headers, ...headers },
        beforeRequest: [
          ...(base.beforeRequest ?? []),
          // Before the slot: an options change makes the engine build the request again (body serialised anew).
          // Only a request that names a timeout under the ceiling needs it; one that names none has the extension's.
          (options) => {
            if (!attempts.getStore()) return
            const timeout = timeoutOf(options)
            if (timeout >= policy.ceilingMs) return
            return { timeout: policy.ceilingMs, slowAfterMs: timeout }
          },
          async (options) => {
            const watch = attempts.getStore()
            if (!watch) return
            // The slot is taken here, once the engine has built the request, so it covers the request alone. A token
            // refresh goes to Salesforce's login host, not Pardot's API, so it takes none: queued behind requests that
            // all carry the expired token, it would leave each of them to be answered 401.
            if (!isTokenRefresh(options.body)) await watch.acquire()
            watch.sent(slowAfter(options, policy))
            // Options only when the token changed while the request waited: rebuilding it would hold the slot longer.
            const fresh = freshToken(options.headers, watch.hooks.token?.())
            return fresh.headers ? fresh : undefined
          }
        ],
        // Runs once the answer's body is read (the engine's own hooks come first): Pardot is done with it.
        afterResponse: [
          ...(base.afterResponse ?? []),
          (_request, options, response) =>
            attempts.getStore()?.answered(response, isTokenRefresh((options as HookOptions | undefined)?.body))
        ]
      }
      return hooked
    }
  }
}

/** The error code of an attempt Pardot did not answer within the request's timeout (its request may still land). */
export const PARDOT_SLOW = 'PARDOT_SLOW'
/** The error code of an event not sent because its caller closed the connection first. */
export const CANCELLED = 'CANCELLED'

/** Reported when the request times out, while it stays open: retryable, since it may yet land or fail. */
export function slowOutcome(ms: number): EventOutcome {
  const message = `Pardot did not answer within ${ms / 1000} s; the event will be retried once Pardot has answered the request still open.`
  return { ok: false, status: 504, error: { status: 504, code: PARDOT_SLOW, message, retryable: true } }
}

/** An event whose caller left before it was sent: not sent at all, so sending it again is safe. */
export function cancelledOutcome(): EventOutcome {
  const message = 'Not sent: the caller closed the connection.'
  return { ok: false, status: 499, error: { status: 499, code: CANCELLED, message, retryable: true } }
}

/** Characters a header value can carry; a token with others was left out by the destination too. */
const HEADER_SAFE = /^[\x21-\x7e]+$/

/**
 * The Authorization header with the call's newest token, when the request carries an older one: it was built before
 * it waited for its slot, and a refresh by another request in the meantime would otherwise cost it a 401 (and an
 * expired token, another refresh). Requests without a bearer token (the token refresh itself) are left alone.
 */
function freshToken(headers: unknown, token: string | undefined): { headers?: Record<string, string> } {
  if (!token || !HEADER_SAFE.test(token)) return {}
  const get = (headers as { get?: unknown } | undefined)?.get
  const sent = typeof get === 'function' ? (get as (name: string) => unknown).call(headers, 'authorization') : undefined
  if (typeof sent !== 'string' || !sent.startsWith('Bearer ') || sent === `Bearer ${token}`) return {}
  return { headers: { Authorization: `Bearer ${token}` } }
}

/** The refresh_token grant's form body (the only request the destination sends to the login host). */
function isTokenRefresh(body: unknown): boolean {
  return body instanceof URLSearchParams && body.has('grant_type')
}
