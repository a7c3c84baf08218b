import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  IntegrationError,
  MultiStatusResponse,
  type DestinationDefinition,
  type JSONObject,
  type SegmentEvent
} from '@segment/actions-core'
import { deliver } from '../deliver'
import { ConcurrencyLimiter, DEFAULT_RETRY } from '../limiter'
import { EVENTS_AT_ONCE } from '../turns'
import { DEFAULT_SLOW_PARDOT, watchRequests } from '../watch'

const BU = '0Uv000000000001AAA'
const settings: JSONObject = { businessUnitID: BU }
const retry = { ...DEFAULT_RETRY, baseDelayMs: 1, maxDelayMs: 2 }

interface Payload {
  email: string
}

/** A destination that only counts: `perform` and `performBatch` stand in for Pardot. */
function fakeDestination(actions: {
  perform?: (request: (url: string) => Promise<unknown>, payload: Payload) => Promise<unknown>
  performBatch?: (payload: Payload[]) => Promise<MultiStatusResponse>
}): DestinationDefinition<unknown> {
  const definition: DestinationDefinition<unknown> = {
    name: 'Counting',
    mode: 'cloud',
    actions: {
      send: {
        title: 'Send',
        description: 'Sends an email address.',
        fields: {
          email: {
            label: 'Email',
            description: 'Email',
            type: 'string',
            required: true,
            default: { '@path': '$.email' }
          },
          enable_batching: { label: 'Batch', description: 'Batch', type: 'boolean', default: true },
          batch_size: { label: 'Batch Size', description: 'Batch Size', type: 'number', default: 1000 }
        },
        perform: (request, { payload }) => actions.perform?.((url) => request(url), payload as Payload),
        performBatch: (_request, { payload }) => actions.performBatch?.(payload as Payload[]) ?? Promise.resolve()
      }
    }
  }
  return watchRequests(definition, DEFAULT_SLOW_PARDOT)
}

const allDelivered = (payload: Payload[]) => {
  const answers = new MultiStatusResponse()
  payload.forEach((_, i) => answers.setSuccessResponseAtIndex(i, { status: 200, sent: {}, body: {} }))
  return answers
}

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'track', email: `user${i}@example.com` }))

describe('deliver at scale', () => {
  it('retries one failed chunk of a 100,000-event batch and puts every outcome back in its place', async () => {
    const calls: string[] = []
    let failedOnce = false
    const definition = fakeDestination({
      performBatch: (payload) => {
        calls.push(`${payload[0].email}+${payload.length}`)
        // The second chunk meets a reset socket once, as a batch can on a reused connection.
        if (payload[0].email === 'user50000@example.com' && !failedOnce) {
          failedOnce = true
          return Promise.reject(new IntegrationError('socket hang up', 'ECONNRESET', 503))
        }
        return Promise.resolve(allDelivered(payload))
      }
    })
    const report = await deliver(definition, {
      slug: 'send',
      payload: events(100_000) as unknown as SegmentEvent[],
      settings,
      mapping: { enable_batching: true, batch_size: 50_000 },
      useDefaultMappings: true,
      credentials: {},
      limiter: new ConcurrencyLimiter(5),
      retry
    })
    expect(report.ok).toBe(true)
    expect(report.retries).toBe(1)
    expect(report.events).toHaveLength(100_000)
    expect(report.events?.every((e) => e.ok)).toBe(true)
    expect(calls).toEqual(['user0@example.com+50000', 'user50000@example.com+50000', 'user50000@example.com+50000'])
  }, 60_000)

  it('delivers chunks in order, never more at once than the business unit has slots', async () => {
    let running = 0
    let most = 0
    const started: string[] = []
    const definition = fakeDestination({
      performBatch: async (payload) => {
        started.push(payload[0].email)
        most = Math.max(most, ++running)
        await new Promise((resolve) => setTimeout(resolve, 5))
        running--
        return allDelivered(payload)
      }
    })
    const report = await deliver(definition, {
      slug: 'send',
      payload: events(40) as unknown as SegmentEvent[],
      settings,
      mapping: { enable_batching: true, batch_size: 2 },
      useDefaultMappings: true,
      credentials: {},
      limiter: new ConcurrencyLimiter(3),
      retry
    })
    expect(report.events?.every((e) => e.ok)).toBe(true)
    expect(most).toBe(3)
    expect(started).toEqual(events(20).map((_, i) => `user${i * 2}@example.com`))
  })

  it('maps the events of a large unbatched call a bounded number at a time, not all at once', async () => {
    let running = 0
    let most = 0
    const definition = fakeDestination({
      perform: async () => {
        most = Math.max(most, ++running)
        await new Promise((resolve) => setTimeout(resolve, 1))
        running--
        return {}
      }
    })
    const report = await deliver(definition, {
      slug: 'send',
      payload: events(500) as unknown as SegmentEvent[],
      settings,
      mapping: { enable_batching: false },
      useDefaultMappings: true,
      credentials: {},
      limiter: new ConcurrencyLimiter(5),
      retry
    })
    expect(report.events?.filter((e) => e.ok)).toHaveLength(500)
    expect(most).toBeGreaterThanOrEqual(5)
    expect(most).toBeLessThanOrEqual(EVENTS_AT_ONCE)
  })

  describe('with a Pardot stand-in on loopback', () => {
    let server: Server
    let url = ''
    const limiter = new ConcurrencyLimiter(5)
    const seenInFlight: number[] = []

    beforeAll(async () => {
      server = createServer((_req, res) => {
        seenInFlight.push(limiter.inFlight(BU))
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}')
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    })
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

    it('holds a slot of the business unit while a request is at Pardot, and only then', async () => {
      const around: number[] = []
      const definition = fakeDestination({
        perform: async (request) => {
          around.push(limiter.inFlight(BU))
          await request(url)
          around.push(limiter.inFlight(BU))
          await request(url)
          around.push(limiter.inFlight(BU))
          return {}
        }
      })
      const report = await deliver(definition, {
        slug: 'send',
        payload: events(1)[0] as unknown as SegmentEvent,
        settings,
        mapping: { enable_batching: false },
        useDefaultMappings: true,
        credentials: {},
        limiter,
        retry
      })
      expect(report.ok).toBe(true)
      // Before, between and after its requests the event's own work holds no slot; each request holds one.
      expect(around).toEqual([0, 0, 0])
      expect(seenInFlight).toEqual([1, 1])
      expect(report.requests).toHaveLength(2)
    })
  })
})
