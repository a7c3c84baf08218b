import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { DeliveryReport } from '../deliver'
import { ConcurrencyLimiter } from '../limiter'
import { AttemptWatch, UNCLAIMED_401_MS } from '../watch'

/**
 * Pardot slower than the request timeout (actions-core's 10 s): a request that timed out is still being worked on,
 * so its slot stays taken until Pardot answers, and the sandbox never sees a sixth request.
 */

const BU = SANDBOX_DEFAULTS.businessUnitId
let local: LocalServer | undefined

afterEach(async () => {
  await local?.close()
  local = undefined
})

describe('slow Pardot', () => {
  it('keeps a timed-out request’s slot until Pardot answers: at most 5 arriving, no code 66 of ours', async () => {
    local = await startLocalServer({
      port: 0,
      sandbox: { faults: { rateSlow: 1, slowMs: 10_600 } },
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, budgetMs: 60_000, quotaPauseMs: 1, deadlineMs: 12_500 }
    })
    const payload = Array.from({ length: 5 }, (_, i) => ({
      type: 'identify',
      traits: { email: `slow${i}@example.com` }
    }))
    const res = await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload })
    })
    const report = (await res.json()) as DeliveryReport
    const stats = local.sandbox?.stats()
    expect(stats?.maxInFlightArrived[BU]).toBe(5)
    expect(stats?.answers['66'] ?? 0).toBe(0)
    // The caller heard in time, each event retryable: the slow answer, then the deadline while the retry waited.
    expect(report.events?.map((e) => [e.error?.code, e.error?.retryable])).toEqual(
      payload.map(() => ['DEADLINE_EXCEEDED', true])
    )
    expect(report.events?.[0].error?.message).toContain('Pardot did not answer within 10 s')
  }, 30_000)
})

describe('AttemptWatch', () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())
  const policy = { ceilingMs: 60_000, penaltyMs: 120_000 }

  it('reports a request past its timeout at once, and refuses to send another for that attempt', () => {
    const slow = jest.fn()
    const watch = new AttemptWatch(slow)
    watch.sent(10_000)
    jest.advanceTimersByTime(10_000)
    expect(slow).toHaveBeenCalledWith(10_000)
    expect(() => watch.sent(10_000)).toThrow('already reported as timed out')
  })

  it('frees the slot when Pardot answered or the request failed early; holds it after the ceiling', () => {
    const answered = new AttemptWatch(jest.fn())
    answered.sent(10_000)
    jest.advanceTimersByTime(30_000)
    answered.answered()
    expect(answered.holdFor(policy)).toBe(0)

    const reset = new AttemptWatch(jest.fn())
    reset.sent(10_000)
    jest.advanceTimersByTime(2_000)
    expect(reset.holdFor(policy)).toBe(0)

    const cut = new AttemptWatch(jest.fn())
    cut.sent(10_000)
    jest.advanceTimersByTime(60_000)
    expect(cut.holdFor(policy)).toBe(60_000)
  })
})

describe('AttemptWatch after a 401', () => {
  beforeEach(() => jest.useFakeTimers())
  afterEach(() => jest.useRealTimers())

  /** A watch whose slots come from a limiter of one slot. */
  const watchWithOneSlot = () => {
    const limiter = new ConcurrencyLimiter(1)
    return { limiter, watch: new AttemptWatch(jest.fn(), { take: () => limiter.take(BU) }) }
  }

  it('keeps the slot for the refresh and the repeat that follow at once, and frees it after the answer', async () => {
    const { limiter, watch } = watchWithOneSlot()
    await watch.acquire()
    watch.sent(10_000)
    watch.answered({ status: 401 })
    watch.sent(10_000) // the token refresh (it takes no slot of its own)
    watch.answered({ status: 200 }, true)
    jest.advanceTimersByTime(UNCLAIMED_401_MS * 10)
    expect(limiter.inFlight(BU)).toBe(1)
    await watch.acquire() // the repeat, in the slot the 401 kept
    watch.sent(10_000)
    watch.answered({ status: 201 })
    expect(limiter.inFlight(BU)).toBe(0)
  })

  it('gives the slot back when nothing follows the 401 (an import poll that swallows it and sleeps)', async () => {
    const { limiter, watch } = watchWithOneSlot()
    await watch.acquire()
    watch.sent(10_000)
    watch.answered({ status: 401 })
    expect(limiter.inFlight(BU)).toBe(1)
    jest.advanceTimersByTime(UNCLAIMED_401_MS)
    expect(limiter.inFlight(BU)).toBe(0)
    // The next poll takes a slot again, as any request does.
    await watch.acquire()
    expect(limiter.inFlight(BU)).toBe(1)
  })
})

describe('Test Connection and dropdowns', () => {
  it('take a slot per request as deliveries do: ten at once against a slow Pardot, at most 5 arriving, no code 66', async () => {
    local = await startLocalServer({ port: 0, sandbox: { faults: { rateSlow: 1, slowMs: 600 } } })
    const url = local.url
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body)
      }).then((res) => res.status)
    const statuses = await Promise.all([
      ...Array.from({ length: 6 }, () => post('/authenticate', {})),
      ...Array.from({ length: 4 }, () => post('/listMembership/listId', {}))
    ])
    expect(statuses.every((status) => status === 200)).toBe(true)
    const stats = local.sandbox?.stats()
    expect(stats?.maxInFlightArrived[BU]).toBeLessThanOrEqual(5)
    expect(stats?.answers['66'] ?? 0).toBe(0)
  }, 30_000)
})
