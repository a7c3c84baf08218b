/**
 * At most `max` tasks at once per key (a business unit). Tasks that must wait are queued per caller (one call to the
 * server) and callers take turns, first come first served within each: Pardot answers code 66 past 5 concurrent
 * requests per business unit, so the server never sends a sixth, and one caller's 10,000 events cannot hold back
 * another caller's single event until they are all sent.
 */
export class ConcurrencyLimiter {
  private readonly running = new Map<string, number>()
  /** Per key, each waiting caller's line; the Map's order is the order of turns. */
  private readonly waiting = new Map<string, Map<unknown, (() => void)[]>>()
  private readonly pausedUntil = new Map<string, number>()

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`The concurrency limit must be a whole number ≥ 1, not ${max}.`)
  }

  /**
   * Runs `task` once a slot of `key` is free, it is `caller`'s turn, and no pause holds the key. With a `deadline`
   * (epoch ms), gives up with a `DeadlineExceeded` when the slot or the end of the pause would come later, so no
   * caller waits without bound. Tasks without a caller each count as a caller of their own.
   */
  async run<T>(key: string, task: () => Promise<T>, deadline?: number, caller: unknown = Symbol('caller')): Promise<T> {
    const release = await this.take(key, deadline, caller)
    try {
      return await task()
    } finally {
      release()
    }
  }

  /**
   * Waits as `run` does, then holds the slot until the returned function is called (once; later calls do
   * nothing): for a slot that must cover one request to Pardot, not a task around it.
   */
  async take(key: string, deadline?: number, caller: unknown = Symbol('caller')): Promise<() => void> {
    await this.acquire(key, caller, deadline)
    let held = true
    const release = () => {
      if (held) this.release(key)
      held = false
    }
    try {
      // Checked once the slot is ours, so tasks that queued before the pause wait too.
      for (let wait = this.pauseLeft(key); wait > 0; wait = this.pauseLeft(key)) {
        if (deadline !== undefined && Date.now() + wait > deadline) throw new DeadlineExceeded('paused')
        await new Promise((resolve) => setTimeout(resolve, wait))
      }
    } catch (error) {
      release()
      throw error
    }
    return release
  }

  /**
   * Holds every new task of `key` for `ms`: once Pardot says the daily quota is used up (code 122), more calls
   * only burn requests, so the business unit waits instead of each event retrying on its own.
   */
  pause(key: string, ms: number): void {
    this.pausedUntil.set(key, Math.max(this.pausedUntil.get(key) ?? 0, Date.now() + ms))
  }

  pauseLeft(key: string): number {
    return Math.max(0, (this.pausedUntil.get(key) ?? 0) - Date.now())
  }

  inFlight(key: string): number {
    return this.running.get(key) ?? 0
  }

  private acquire(key: string, caller: unknown, deadline?: number): Promise<void> {
    const running = this.inFlight(key)
    if (running < this.max) {
      this.running.set(key, running + 1)
      return Promise.resolve()
    }
    const callers = this.waiting.get(key) ?? new Map<unknown, (() => void)[]>()
    this.waiting.set(key, callers)
    const line = callers.get(caller) ?? []
    callers.set(caller, line)
    return new Promise((resolve, reject) => {
      if (deadline === undefined) {
        line.push(resolve)
        return
      }
      const timer = setTimeout(
        () => {
          // Still in line at the deadline: leave it, so the slot never passes to a caller that has given up.
          const at = line.indexOf(admit)
          if (at < 0) return
          line.splice(at, 1)
          if (line.length === 0 && callers.get(caller) === line) callers.delete(caller)
          reject(new DeadlineExceeded('queued'))
        },
        Math.max(0, deadline - Date.now())
      )
      const admit = () => {
        clearTimeout(timer)
        resolve()
      }
      line.push(admit)
    })
  }

  private release(key: string): void {
    const callers = this.waiting.get(key)
    for (const [caller, line] of callers ?? []) {
      const next = line.shift()
      // The caller served goes to the back of the turns; a caller with nobody left in line leaves them.
      callers?.delete(caller)
      if (line.length > 0) callers?.set(caller, line)
      // The slot passes straight to the next in turn, so a newcomer cannot overtake it.
      if (next) return next()
    }
    this.waiting.delete(key)
    this.running.set(key, this.inFlight(key) - 1)
  }
}

/** A task gave up before it ran: its deadline came while it waited for a slot or for a pause to end. */
export class DeadlineExceeded extends Error {
  constructor(readonly waiting: 'queued' | 'paused') {
    super(
      waiting === 'queued'
        ? 'the deadline came while it waited for a free slot of its business unit'
        : 'the business unit is paused (Pardot’s daily API limit is used up) past the deadline'
    )
  }
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
  /** No retry starts after this much time since the first attempt. */
  budgetMs: number
  /** How long a business unit pauses after Pardot answers code 122 (daily quota used up). */
  quotaPauseMs: number
  /**
   * The most one call to the server may take in all: waiting for a slot, code-122 pauses, attempts and backoff.
   * Then every event not yet delivered is reported retryable, so the platform sends it again later.
   */
  deadlineMs: number
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8000,
  budgetMs: 60_000,
  quotaPauseMs: 5000,
  deadlineMs: 90_000
}

/** Exponential backoff with jitter: half the step fixed, half random, so retries spread out but still back off. */
export function backoff(policy: RetryPolicy, retry: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return step / 2 + (random() * step) / 2
}
