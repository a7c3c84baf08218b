/**
 * Per-event CPU cost of the prospects action: events/second through Destination.onEvent, the network stubbed
 * in-process (or, for the local server's like-for-like ratio, sent over HTTP to a sandbox in another process), so the
 * figure is the engine plus our mapping, validation and request building.
 */
import { Destination, Response, type DestinationDefinition, type JSONObject } from '@segment/actions-core'
import ours, { createPardotDestination } from '../../src/destinations/pardot'
import { localHosts } from '../../src/server/local-hosts'
import { SANDBOX_DEFAULTS } from '../../src/sandbox'
import { defaultMapping, segmentPardot, withStubbedPardot } from '../segment'
import { benchIdentify } from './identify'
import { numberFromChild } from './child'

async function stubbedPardot(request: Request): Promise<Response> {
  await request.text()
  return new Response(JSON.stringify({ id: 1 }), { status: 201, headers: { 'content-type': 'application/json' } })
}

/** `onEvent`'s settings for the prospects action with `mapping`: the sandbox's business unit and token, or stand-ins. */
export function onEventSettings(mapping: JSONObject, toSandbox: boolean): JSONObject {
  return {
    businessUnitID: toSandbox ? SANDBOX_DEFAULTS.businessUnitId : '0Uv000000000001AAA',
    accountID: '1',
    isSandbox: false,
    subscription: { subscribe: 'type = "identify"', partnerAction: 'prospects', mapping },
    oauth: { access_token: toSandbox ? SANDBOX_DEFAULTS.accessToken : 'tok' }
  }
}

/** CPU-seconds (user + system) per event, turned into events per CPU-second: waiting on sockets does not count. */
export async function eventsPerSecond(
  definition: DestinationDefinition<unknown>,
  events: number,
  mapping: JSONObject = defaultMapping(definition),
  sandboxUrl?: string
): Promise<number> {
  // With a sandbox (in a process of its own), requests really go out over HTTP, as the local server's do; the
  // sandbox's CPU is its own process's, so this process's figure is the engine's and its HTTP client's alone.
  const aimed = sandboxUrl ? createPardotDestination({ hosts: localHosts(sandboxUrl) }) : definition
  const destination = new Destination(aimed as DestinationDefinition<unknown>)
  const settings = onEventSettings(mapping, Boolean(sandboxUrl))
  const event = (i: number) => benchIdentify(i) as never
  const run = async () => {
    for (let i = 0; i < 500; i++) await destination.onEvent(event(i), settings) // warm-up
    const before = process.cpuUsage()
    for (let i = 0; i < events; i++) await destination.onEvent(event(i), settings)
    const used = process.cpuUsage(before)
    return events / ((used.user + used.system) / 1e6)
  }
  return sandboxUrl ? run() : withStubbedPardot(stubbedPardot, run)
}

type Which = 'ours' | 'segment'

/**
 * One measurement in a fresh process: the engine keeps every response a Destination makes and the heap grows
 * run after run, so measurements in one process would each pay for the ones before them.
 */
export function measureInChild(
  which: Which,
  segmentMappingOnly: boolean,
  events: number,
  sandboxUrl = ''
): Promise<number> {
  return numberFromChild(__filename, [CHILD_FLAG, which, String(segmentMappingOnly), String(events), sandboxUrl])
}

const CHILD_FLAG = '--cpu-child'

if (process.argv[2] === CHILD_FLAG) {
  const [which, segmentMappingOnly, events, sandboxUrl] = process.argv.slice(3)
  const definition = which === 'segment' ? segmentPardot() : (ours as DestinationDefinition<unknown>)
  if (typeof definition === 'string') throw new Error(definition)
  const mapping = defaultMapping(definition, segmentMappingOnly === 'true')
  eventsPerSecond(definition, Number(events), mapping, sandboxUrl || undefined)
    .then((rate) => console.log(rate))
    .catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
}
