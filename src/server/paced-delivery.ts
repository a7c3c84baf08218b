import type { Result, SegmentEvent } from '@segment/actions-core'
import { pardotCodeIn } from '../destinations/pardot/errors'
import { backoff, DeadlineExceeded, type ConcurrencyLimiter, type RetryPolicy } from './limiter'
import { fromMultistatus } from './multistatus'
import { failure, type EventOutcome, type FailureReport } from './outcomes'
import { EVENTS_AT_ONCE, inChunks, inTurn, quotaUsedUp, takeSlot } from './turns'
import { AttemptWatch, cancelledOutcome, slowOutcome, watched, type AttemptHooks, type SlowPardotPolicy } from './watch'

/** The error code of an event that ran out of time in the server: not refused, so the platform sends it again. */
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED'

/** What bounds one call's delivery: where its requests queue, how they are retried, and how long it may take. */
export interface DeliveryLimits {
  /** Shared by all calls: keeps requests in flight per business unit under Pardot's limit. */
  limiter?: ConcurrencyLimiter
  /** The business unit whose slots the call's requests take. */
  businessUnit: string
  retry: RetryPolicy
  /** How long a request Pardot is slow to answer keeps its slot. */
  slowPardot: SlowPardotPolicy
  /** Aborted when the caller leaves: what is still queued is not sent (what was sent is not undone). */
  signal?: AbortSignal
}

/** What the call keeps of its requests: the record its answer shows, its newest token, and what to hide. */
export interface CallRecord extends Pick<AttemptHooks, 'record' | 'token'> {
  /** The call's secrets as they are now (a token refresh adds the new ones): hidden in every failure reported. */
  secrets(): (string | undefined)[]
}

/** The engine's work for one attempt: the results of `onEvent` or `onBatch`. */
type Send = () => Promise<Result[]>

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * One call's delivery: each request to Pardot holds a slot of the business unit, retryable failures are sent again
 * with backoff, and one deadline covers the whole call, queueing and pauses included, so no caller waits without
 * bound. Send one event with `event`, many one by one with `oneByOne`, or in batches with `inBatches`.
 */
export class PacedDelivery {
  /** Attempts repeated after a retryable answer, within the retry policy. */
  retries = 0
  private readonly deadline: number
  /** This call's turn in the business unit's line: callers take turns, so a large call cannot hold back a small one. */
  private readonly caller = Symbol('call')

  constructor(
    private readonly limits: DeliveryLimits,
    private readonly call: CallRecord
  ) {
    this.deadline = Date.now() + limits.retry.deadlineMs
  }

  /** One event: sent by `send`, and again while it fails retryably, within the policy. */
  async event(send: Send): Promise<EventOutcome> {
    const [outcome] = await this.retrying(async () => [await this.attempt(send)])
    return outcome
  }

  /** Each event on its own, a bounded number at a time, in order; the outcomes in the same order. */
  oneByOne(events: SegmentEvent[], send: (event: SegmentEvent) => Promise<Result[]>): Promise<EventOutcome[]> {
    return inTurn(events.length, EVENTS_AT_ONCE, (i) => this.event(() => send(events[i])))
  }

  /**
   * The events in batches of `size`, a bounded number of batches at a time (as many as the business unit has
   * slots); in each batch, only the events that failed retryably are sent again. The outcomes in the events' order.
   */
  async inBatches(
    events: SegmentEvent[],
    size: number,
    send: (batch: SegmentEvent[]) => Promise<Result[]>
  ): Promise<EventOutcome[]> {
    const batch = (chunk: SegmentEvent[]) => this.retrying((failed) => this.batchAttempt(chunk, send, failed))
    return (await inChunks(events, size, this.limits.limiter?.max ?? 5, batch)).flat()
  }

  /** One attempt at a batch, or at the events of it whose indexes are `only`: an outcome per event sent. */
  private async batchAttempt(
    events: SegmentEvent[],
    send: (batch: SegmentEvent[]) => Promise<Result[]>,
    only?: number[]
  ): Promise<EventOutcome[]> {
    const subset = only ? only.map((i) => events[i]) : events
    const outcome = await this.attempt(() => send(subset))
    return outcome.ok ? fromMultistatus(outcome.results ?? []) : subset.map(() => outcome)
  }

  /**
   * Repeats the retryable failures of `run` (given their indexes) with backoff, within the policy; then reports
   * them, still retryable. Each retried outcome goes straight to its place: linear in the events, however many failed.
   */
  private async retrying(run: (failed?: number[]) => Promise<EventOutcome[]>): Promise<EventOutcome[]> {
    const policy = this.limits.retry
    const started = Date.now()
    let outcomes = await run()
    for (let n = 1; n < policy.attempts; n++) {
      const failed = outcomes.flatMap((o, i) => (!o.ok && o.error?.retryable ? [i] : []))
      if (failed.length === 0 || this.limits.signal?.aborted) break
      const delay = backoff(policy, n)
      if (Date.now() - started + delay > policy.budgetMs || Date.now() + delay >= this.deadline) break
      await sleep(delay)
      this.retries += 1
      const retried = await run(failed)
      const merged = outcomes.slice()
      failed.forEach((i, k) => (merged[i] = lastWord(outcomes[i], retried[k])))
      outcomes = merged
    }
    return outcomes
  }

  /**
   * One attempt. Each request holds a slot of the business unit from when it is sent until Pardot answers it (the
   * request hooks in watch.ts): the engine's own work happens outside the slots. The deadline timer starts with the
   * first request (waiting in line or through a pause ends with the limiter's own reason); work still running at the
   * deadline, or slower than its timeout, is reported now (retryable) and finishes in the background, keeping its
   * slot until Pardot answers (or the ceiling passes), since a retry in a freed slot would be a sixth request.
   */
  private attempt(work: Send): Promise<EventOutcome> {
    const { limiter, businessUnit, signal } = this.limits
    if (signal?.aborted) return Promise.resolve(cancelledOutcome())
    if (Date.now() >= this.deadline) return Promise.resolve(this.late('the deadline came before it could be sent'))
    return new Promise<EventOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined
      /** Why the attempt stopped before a request was sent (deadline in line, caller gone), if it did. */
      let stopped: EventOutcome | undefined
      const watch = new AttemptWatch((ms) => resolve(slowOutcome(ms)), {
        take: () =>
          takeSlot(limiter, businessUnit, this.deadline, this.caller, signal).catch((error: unknown) => {
            stopped = error instanceof DeadlineExceeded ? this.late(error.message) : cancelledOutcome()
            throw error
          }),
        sent: () => {
          timer ??= setTimeout(
            () => resolve(this.late('Pardot had not answered yet')),
            Math.max(0, this.deadline - Date.now())
          )
        },
        // Paused while the slot is still held, so no queued request slips out before the pause.
        answered: (response) => quotaUsedUp(response) && this.pause(),
        record: this.call.record,
        token: this.call.token
      })
      watched(watch, work)
        .then(
          (results): EventOutcome => ({ ok: true, status: 200, results }),
          (error: unknown): EventOutcome => stopped ?? this.failed(error)
        )
        .then((outcome) => resolve(this.pauseOnQuota(outcome)))
        .catch(() => undefined)
        .finally(() => (clearTimeout(timer), watch.settle(this.limits.slowPardot)))
    })
  }

  private failed(error: unknown): EventOutcome {
    const report = failure(error, this.call.secrets())
    return { ok: false, status: report.status, error: report }
  }

  /** A quota answer the hooks could not read (a batch's rows) still pauses the business unit. */
  private pauseOnQuota(outcome: EventOutcome): EventOutcome {
    const failures = outcome.ok ? fromMultistatus(outcome.results ?? []) : [outcome]
    if (failures.some((f) => pardotCodeIn(f.error?.message) === 122)) this.pause()
    return outcome
  }

  private pause(): void {
    this.limits.limiter?.pause(this.limits.businessUnit, this.limits.retry.quotaPauseMs)
  }

  private late(why: string): EventOutcome {
    const report: FailureReport = {
      status: 504,
      code: DEADLINE_EXCEEDED,
      message: `Not delivered within the server's ${this.limits.retry.deadlineMs / 1000} s deadline: ${why}. The event was not refused; send it again later.`,
      retryable: true
    }
    return { ok: false, status: report.status, error: report }
  }
}

/** An attempt cut short by the deadline says what the one before it met, which is what the user can act on. */
function lastWord(before: EventOutcome, after: EventOutcome): EventOutcome {
  if (after.error?.code !== DEADLINE_EXCEEDED || !before.error) return after
  return { ...after, error: { ...after.error, message: `${after.error.message} Last answer: ${before.error.message}` } }
}
