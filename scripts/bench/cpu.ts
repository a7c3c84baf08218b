/**
 * Per-event CPU cost of the prospects action: events/second through Destination.onEvent, the network stubbed
 * in-process, so the figure is the engine plus our mapping, validation and request building.
 */
import { Destination, Response, type DestinationDefinition, type JSONObject } from '@segment/actions-core'
import { fork } from 'node:child_process'
import ours from '../../src/destinations/pardot'
import { defaultMapping, segmentPardot, withStubbedPardot } from '../segment'
import { benchIdentify } from './identify'

async function stubbedPardot(request: Request): Promise<Response> {
  await request.text()
  return new Response(JSON.stringify({ id: 1 }), { status: 201, headers: { 'content-type': 'application/json' } })
}

/** CPU-seconds (user + system) per event, turned into events per CPU-second: waiting on sockets does not count. */
export async function eventsPerSecond(
  definition: DestinationDefinition<unknown>,
  events: number,
  mapping: JSONObject = defaultMapping(definition)
): Promise<number> {
  const destination = new Destination(definition)
  const settings = {
    businessUnitID: '0Uv000000000001AAA',
    accountID: '1',
    isSandbox: false,
    subscription: { subscribe: 'type = "identify"', partnerAction: 'prospects', mapping },
    oauth: { access_token: 'tok' }
  } as unknown as JSONObject
  const event = (i: number) => benchIdentify(i) as never
  return withStubbedPardot(stubbedPardot, async () => {
    for (let i = 0; i < 500; i++) await destination.onEvent(event(i), settings) // warm-up
    const before = process.cpuUsage()
    for (let i = 0; i < events; i++) await destination.onEvent(event(i), settings)
    const used = process.cpuUsage(before)
    return events / ((used.user + used.system) / 1e6)
  })
}

type Which = 'ours' | 'segment'

/**
 * One measurement in a fresh process: the engine keeps every response a Destination makes and the heap grows
 * run after run, so measurements in one process would each pay for the ones before them.
 */
export function measureInChild(which: Which, segmentMappingOnly: boolean, events: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [CHILD_FLAG, which, String(segmentMappingOnly), String(events)], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc']
    })
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0 ? resolve(Number(out.trim().split('\n').pop())) : reject(new Error(`measurement exited ${code}`))
    )
  })
}

const CHILD_FLAG = '--cpu-child'

if (process.argv[2] === CHILD_FLAG) {
  const [which, segmentMappingOnly, events] = process.argv.slice(3)
  const definition = which === 'segment' ? segmentPardot() : (ours as DestinationDefinition<unknown>)
  if (typeof definition === 'string') throw new Error(definition)
  eventsPerSecond(definition, Number(events), defaultMapping(definition, segmentMappingOnly === 'true'))
    .then((rate) => console.log(rate))
    .catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
}
