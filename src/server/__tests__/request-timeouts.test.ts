import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Destination, type DestinationDefinition, type JSONObject } from '@segment/actions-core'
import { AttemptWatch, watched, watchRequests } from '../watch'

/**
 * A request's own timeout decides when the caller hears Pardot is slow; the ceiling decides when it is cut. Against a
 * stand-in that answers after `?after=` ms, with a 200 ms ceiling.
 */

const policy = { ceilingMs: 200, penaltyMs: 400 }
let server: Server
let url = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    const after = Number(new URL(req.url ?? '/', 'http://stand-in').searchParams.get('after'))
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), after)
  })
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
})

afterAll(() => new Promise((closed) => server.close(closed)))

/** A destination whose one action sends one request, with `timeout` when given. */
function definitionSending(answerAfterMs: number, timeout?: number): DestinationDefinition<unknown> {
  return {
    name: 'Timeouts',
    mode: 'cloud',
    actions: {
      send: {
        title: 'Send',
        description: 'One request',
        fields: {},
        perform: (request) =>
          request(`${url}?after=${answerAfterMs}`, { method: 'POST', json: {}, ...(timeout ? { timeout } : {}) })
      }
    }
  }
}

/** Runs the action in an attempt; what the caller heard when (`slowAfter`), and how the request ended. */
async function attempt(answerAfterMs: number, timeout?: number): Promise<{ slowAfter?: number; ended: string }> {
  const destination = new Destination(watchRequests(definitionSending(answerAfterMs, timeout), policy))
  let slowAfter: number | undefined
  const watch = new AttemptWatch((ms) => (slowAfter = ms))
  const settings = { subscription: { subscribe: 'type = "track"', partnerAction: 'send', mapping: {} } }
  const event = { type: 'track', event: 'x' } as never
  const ended = await watched(watch, () => destination.onEvent(event, settings as unknown as JSONObject)).then(
    () => 'answered',
    (error: Error) => error.name
  )
  return { slowAfter, ended }
}

describe('request timeouts in an attempt', () => {
  it('a timeout under the ceiling: heard at it, and the request lifted to the ceiling so a later answer lands', async () => {
    expect(await attempt(150, 100)).toEqual({ slowAfter: 100, ended: 'answered' })
    expect((await attempt(300, 100)).ended).toBe('TimeoutError')
  })

  it('a timeout at or over the ceiling is its own: heard and cut there, not at the engine’s default', async () => {
    expect(await attempt(300, 250)).toEqual({ slowAfter: 250, ended: 'TimeoutError' })
    expect(await attempt(300, 400)).toEqual({ slowAfter: undefined, ended: 'answered' })
  })

  it('no timeout named: heard at the engine’s 10 s default (not within 300 ms), and not cut before the answer', async () => {
    expect(await attempt(300)).toEqual({ slowAfter: undefined, ended: 'answered' })
  })
})
