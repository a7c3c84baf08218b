import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Destination, type DestinationDefinition, type JSONObject } from '@segment/actions-core'
import { ConcurrencyLimiter } from '../limiter'
import { AttemptWatch, DEFAULT_SLOW_PARDOT, watched, watchRequests } from '../watch'

/**
 * When a slot goes back: a 2xx answer frees it as soon as its last byte is in, while the engine may still be reading
 * it, so the next request in line goes out at once; any other answer keeps it until the engine has read it.
 */

let server: Server
let url = ''
/** Paths in the order their requests arrived. */
let arrived: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    arrived.push(req.url ?? '')
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200)
    res.writeHead(status, { 'content-type': 'application/json' }).end('{"id":1}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
beforeEach(() => (arrived = []))

/** Keeps the engine busy with an answer (its own hooks run before the server's) until `letGo` is called. */
function heldEngine() {
  let letGo = () => {}
  const held = new Promise<void>((resolve) => (letGo = resolve))
  const definition: DestinationDefinition<JSONObject> = {
    name: 'Probe',
    mode: 'cloud',
    authentication: { scheme: 'custom', fields: {} },
    extendRequest: () => ({ afterResponse: [async () => void (await held)] }) as object,
    actions: {
      probe: {
        title: 'Probe',
        description: 'One request to the path in the event.',
        fields: { path: { label: 'Path', description: 'Where', type: 'string', default: { '@path': '$.path' } } },
        perform: (request, { payload }) =>
          request(`${url}${(payload as { path: string }).path}`, { throwHttpErrors: false })
      }
    }
  }
  const destination = new Destination(watchRequests(definition, DEFAULT_SLOW_PARDOT))
  return { destination, letGo }
}

/** One attempt sending one request to `path`, its slot taken from `limiter` (one slot). */
function attempt(destination: Destination<JSONObject>, limiter: ConcurrencyLimiter, path: string) {
  const watch = new AttemptWatch(() => undefined, { take: () => limiter.take('bu') })
  const settings = {
    subscription: { subscribe: 'type = "track"', partnerAction: 'probe', mapping: { path: { '@path': '$.path' } } }
  }
  const event = { type: 'track', path } as unknown as Parameters<typeof destination.onEvent>[0]
  return watched(watch, () => destination.onEvent(event, settings as unknown as JSONObject)).finally(() =>
    watch.settle(DEFAULT_SLOW_PARDOT)
  )
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('a slot goes back', () => {
  it('once a 2xx answer is in, while the engine is still reading it: the next request goes out at once', async () => {
    const { destination, letGo } = heldEngine()
    const limiter = new ConcurrencyLimiter(1)
    const first = attempt(destination, limiter, '/first?status=201')
    await until(() => arrived.length === 1)
    const second = attempt(destination, limiter, '/second?status=200')
    await until(() => arrived.length === 2)
    // The first attempt's engine has not finished with its answer, yet the second request has been answered.
    expect(arrived).toEqual(['/first?status=201', '/second?status=200'])
    letGo()
    await Promise.all([first, second])
  })

  it('only once the engine has read any other answer (a 400 here): nothing else goes out before', async () => {
    const { destination, letGo } = heldEngine()
    const limiter = new ConcurrencyLimiter(1)
    const first = attempt(destination, limiter, '/first?status=400')
    await until(() => arrived.length === 1)
    const second = attempt(destination, limiter, '/second?status=200')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(arrived).toEqual(['/first?status=400'])
    letGo()
    await until(() => arrived.length === 2)
    expect(arrived).toEqual(['/first?status=400', '/second?status=200'])
    await Promise.all([first, second])
  })
})
