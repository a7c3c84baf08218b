/**
 * The floor under the server's CPU ratio, measured rather than argued: what the least any server must do per
 * single-event call costs on this machine, with the sandbox reached as `npm start` reaches it (over loopback HTTP,
 * on its own thread, its CPU counted in this process).
 *
 * - `engine`: `Destination.onEvent` alone, its requests sent over HTTP to the sandbox thread: no caller, no server.
 * - `server`: a bare `node:http` server that reads the body, parses it and runs the same `onEvent`, then answers a
 *   few bytes of JSON: no limiter, no checks, no report, no redaction.
 *
 * Of `src/server` they use only the thread's launcher and the host mapping that aims the destination at it, so the gap
 * between `server` and the local server is what the local server's own work costs. `server` runs as the local
 * server's bench process does (heap growth bounded, the engine's record of responses dropped); one difference stays:
 * with no limiter, all 8 callers' requests reach the sandbox at once, where the local server lets 5 through.
 * `engine` runs as the in-process measure does (`cpu.ts`), so its ratio to it is HTTP's alone.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { Destination, type DestinationDefinition, type JSONObject, type SegmentEvent } from '@segment/actions-core'
import { createPardotDestination } from '../../src/destinations/pardot'
import { boundHeapGrowth } from '../../src/server/heap'
import { localHosts } from '../../src/server/local-hosts'
import { SandboxThread } from '../../src/server/sandbox-thread'
import { defaultMapping } from '../segment'
import { benchIdentify } from './identify'
import { numberFromChild } from './child'
import { onEventSettings } from './cpu'
import { answerAsServerChild, forkServer, type ServerChild } from './server'

const CHILD_FLAG = '--minimal-child'

/** The engine's events in flight at once in the `engine` measure, as many as the server measures have callers. */
const IN_FLIGHT = 8

/** A fresh process running the bare server, for `httpCpuPerEvent`. */
export function minimalServerChild(): Promise<ServerChild> {
  return forkServer(__filename, [CHILD_FLAG, 'server'])
}

/** CPU-µs per event of `onEvent` over HTTP to the sandbox thread (both counted), `events` events in a fresh process. */
export function engineOverHttpCpu(events: number): Promise<number> {
  return numberFromChild(__filename, [CHILD_FLAG, 'engine', String(events)])
}

/** The prospects action aimed at a sandbox thread, its requests carrying the thread's mark. */
async function aimedDestination(): Promise<{ destination: Destination<unknown>; settings: JSONObject }> {
  const mark = { name: 'x-bench-mark', value: randomBytes(16).toString('hex') }
  const thread = await SandboxThread.start({ latencyMs: 0, dailyQuota: 1e9 }, 32 * 1024 * 1024, mark, console.error)
  const aimed = createPardotDestination({ hosts: localHosts(thread.url) })
  const extend = aimed.extendRequest
  aimed.extendRequest = (data) => {
    const base = extend?.(data) ?? {}
    return { ...base, headers: { ...base.headers, [mark.name]: mark.value } }
  }
  const definition = aimed as DestinationDefinition<unknown>
  return { destination: new Destination(definition), settings: onEventSettings(defaultMapping(definition), true) }
}

async function engine(events: number): Promise<number> {
  const { destination, settings } = await aimedDestination()
  const run = async (from: number, count: number) => {
    let next = from
    const loop = async () => {
      for (let i = next++; i < from + count; i = next++) await destination.onEvent(benchIdentify(i) as never, settings)
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, loop))
  }
  await run(0, 500) // warm-up
  const before = process.cpuUsage()
  await run(1000, events)
  const used = process.cpuUsage(before)
  return (used.user + used.system) / events
}

async function server(): Promise<string> {
  // As the local server's process: the flag is the whole process's, so set before the sandbox thread starts.
  boundHeapGrowth()
  const { destination, settings } = await aimedDestination()
  // The engine keeps every response a Destination sees; the local server drops that record (src/server/engine.ts).
  for (const action of Object.values(destination.actions)) action.removeAllListeners('response')
  const http = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const { payload } = JSON.parse(Buffer.concat(chunks).toString()) as { payload: SegmentEvent }
      destination.onEvent(payload, settings).then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(error.message))
      )
    })
  })
  await new Promise<void>((listening) => http.listen(0, '127.0.0.1', listening))
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`
}

if (process.argv[2] === CHILD_FLAG) {
  const fail = (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
  if (process.argv[3] === 'engine') {
    engine(Number(process.argv[4]))
      .then((micros) => (console.log(micros), process.exit(0)))
      .catch(fail)
  } else {
    server().then(answerAsServerChild).catch(fail)
  }
}
