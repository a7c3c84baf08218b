import { dispatch, PardotFault, type RequestInfo, type SandboxRouter } from './http'
import type { Reply } from '../http/reply'
import { delay } from './delay'
import { dice, rollFault } from './limits'
import type { SandboxEnvironment, SandboxState } from './state'

/** Code 183's message in the error-code registry (docs/pardot-api.md, "Error codes"). */
export const INTERNAL_ERROR = 'An internal error occurred, please try your request again'

const API_HOSTS: Record<string, SandboxEnvironment> = { 'pi.pardot.com': 'production', 'pi.demo.pardot.com': 'demo' }

/**
 * What stands between a Pardot API request and its endpoint, in Pardot's order: the call is counted, then the
 * access token, the business unit (header and host), the concurrency limit and the daily quota are checked; then the
 * fault dice and the latency.
 */
export class ApiGate {
  private roll: () => number

  constructor(
    private readonly state: SandboxState,
    private readonly api: SandboxRouter
  ) {
    this.roll = dice(state.options.faults.seed ?? 1)
  }

  /** New dice for new fault settings, so a run with a seed can be repeated. */
  reseed(seed = 1): void {
    this.roll = dice(seed)
  }

  async call(info: RequestInfo): Promise<Reply> {
    const counters = this.state.counters
    const header = info.headers['pardot-business-unit-id']
    // Counted before any check can turn the request away: the peak of what was let through can never pass the
    // limit, so only this one shows a client that sends too many at once.
    const arrived = typeof header === 'string' && header !== '' ? header : undefined
    if (arrived !== undefined) {
      const now = counters.count(counters.arriving, arrived)
      counters.maxArrived.set(arrived, Math.max(counters.maxArrived.get(arrived) ?? 0, now))
    }
    try {
      return await this.checkedCall(info)
    } finally {
      if (arrived !== undefined) counters.count(counters.arriving, arrived, -1)
    }
  }

  private async checkedCall(info: RequestInfo): Promise<Reply> {
    const { counters, options } = this.state
    const run = dispatch(this.api, info, counters)
    const token = /^Bearer (.+)$/.exec(String(info.headers.authorization ?? ''))?.[1]
    if (!token || !this.state.tokens.isValidAccessToken(token)) {
      throw new PardotFault(184, 'access_token is invalid, unknown, or malformed: Inactive token', 401)
    }
    const bu = info.headers['pardot-business-unit-id']
    if (typeof bu !== 'string' || bu === '') {
      throw new PardotFault(181, 'A required header is missing')
    }
    const environment = this.state.businessUnits.get(bu)
    if (!environment || environment !== (API_HOSTS[info.host] ?? 'production')) {
      throw new PardotFault(201, 'Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.')
    }
    const running = counters.inFlight.get(bu) ?? 0
    if (running >= options.maxConcurrent) {
      throw new PardotFault(66, 'You have exceeded your concurrent request limit. Please wait, before trying again')
    }
    if (counters.count(counters.dailyCalls, bu) > options.dailyQuota) {
      throw new PardotFault(122, 'Daily API rate limit met')
    }
    counters.count(counters.inFlight, bu)
    counters.maxAdmitted.set(bu, Math.max(counters.maxAdmitted.get(bu) ?? 0, running + 1))
    try {
      const fault = rollFault(this.roll, options.faults)
      if (fault) counters.injected[fault]++
      if (fault === 'slow') {
        await delay(options.faults.slowMs ?? 2000)
        return await run()
      }
      // The call's work is done as it arrives and its answer held until its latency is up (as Pardot applies a call
      // and then answers it): what the sandbox does is inside `latencyMs`, not added to it.
      const done = fault ? { error: faultError(fault) } : await attempt(run)
      if (options.latencyMs > 0) await waitLatency(options.latencyMs, info.receivedAt)
      if ('error' in done) throw done.error
      return done.reply
    } finally {
      counters.count(counters.inFlight, bu, -1)
    }
  }
}

/** An injected fault's error, in the registry's words. */
function faultError(fault: '5xx' | '66'): PardotFault {
  // HTTP 500 for code 183, the plain status for it (which one Pardot sends is not documented: the client retries any
  // 5xx).
  if (fault === '5xx') return new PardotFault(183, INTERNAL_ERROR, 500)
  return new PardotFault(66, 'You have exceeded your concurrent request limit. Please wait, before trying again')
}

/** The call's answer, or what it threw, kept until the answer is due. */
async function attempt(run: () => Reply | Promise<Reply>): Promise<{ reply: Reply } | { error: unknown }> {
  try {
    return { reply: await run() }
  } catch (error) {
    return { error }
  }
}

/**
 * Waits until `latencyMs` after the call arrived, so the time since (reading its body, the checks, the work) is part
 * of its latency, not added to it: the caller gets its answer `latencyMs` after sending, never sooner. Node's timers
 * count whole milliseconds from the event loop's last reading of the clock, so a timer alone would answer up to a
 * millisecond late (half of one on average, 1% of the throughput at 50 ms) or, rounded down, early: the whole
 * milliseconds go on a timer, and the fraction left, if any, a turn of the event loop at a time (a few microseconds
 * each; under fake timers the clock moves in whole milliseconds, so none is left).
 */
async function waitLatency(latencyMs: number, receivedAt: number): Promise<void> {
  const until = receivedAt + latencyMs
  const left = until - performance.now()
  if (left >= 1) await delay(Math.floor(left))
  while (performance.now() < until) await new Promise((resolve) => setImmediate(resolve))
}
