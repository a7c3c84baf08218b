import { AsyncLocalStorage } from 'node:async_hooks'
import type { DestinationDefinition, RequestOptions } from '@segment/actions-core'
import type { EventOutcome } from './deliver'

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

/** actions-core's own default request timeout, when a request names none. */
const DEFAULT_TIMEOUT_MS = 10_000

/**
 * Watches the requests of one attempt (one `onEvent`/`onBatch` holding one slot). When a request outlives its own
 * timeout, the caller hears it at once (`onSlow`) while the request stays open, holding the slot, until Pardot
 * answers or the ceiling passes; no further request is made for an attempt already reported.
 */
export class AttemptWatch {
  /** Reported as timed out: whatever the attempt still does is not the caller's any more. */
  abandoned = false
  private timer?: NodeJS.Timeout
  private sentAt = 0
  private open = false

  constructor(private readonly onSlow: (timeoutMs: number) => void) {}

  sent(timeoutMs: number): void {
    if (this.abandoned) throw new Error('This attempt was already reported as timed out; nothing more is sent.')
    clearTimeout(this.timer)
    this.sentAt = Date.now()
    this.open = true
    this.timer = setTimeout(() => {
      this.abandoned = true
      this.onSlow(timeoutMs)
    }, timeoutMs)
  }

  answered(): void {
    clearTimeout(this.timer)
    this.open = false
  }

  /** Once the attempt's work has ended: how much longer its slot must count as in use. */
  holdFor(policy: SlowPardotPolicy): number {
    clearTimeout(this.timer)
    if (!this.open) return 0
    const age = Date.now() - this.sentAt
    // Cut by the ceiling, Pardot may still be at it; a request that failed sooner (a reset) ended with its socket.
    return age >= policy.ceilingMs ? Math.max(0, policy.penaltyMs - age) : 0
  }
}

const attempts = new AsyncLocalStorage<AttemptWatch>()

/** The request client takes hooks in extension options too, though `RequestExtension`'s type leaves them out. */
type Hooked = RequestOptions & {
  beforeRequest?: ((options: { timeout?: number | false }) => RequestOptions | void)[]
  afterResponse?: (() => void)[]
}

/** Runs an attempt's work with its requests watched. */
export function watched<T>(watch: AttemptWatch, work: () => Promise<T>): Promise<T> {
  return attempts.run(watch, work)
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
        headers: { ...base.headers, ...headers },
        beforeRequest: [
          ...(base.beforeRequest ?? []),
          (options) => {
            const watch = attempts.getStore()
            if (!watch) return
            const timeout = typeof options.timeout === 'number' ? options.timeout : DEFAULT_TIMEOUT_MS
            watch.sent(timeout)
            return { timeout: Math.max(timeout, policy.ceilingMs) }
          }
        ],
        afterResponse: [...(base.afterResponse ?? []), () => attempts.getStore()?.answered()]
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
