/**
 * The local server's own figures: single-event throughput against the physical limit of 5 requests in flight
 * (5 / latency), the server's CPU per single-event call over HTTP against in-process `onEvent`, and peak RSS for one
 * 100,000-event call at two batch sizes. The server runs in a fresh child process, so the load generator's CPU is
 * not the server's, and no run pays for the heap of the one before. Loopback and the embedded sandbox only.
 */
import { fork } from 'node:child_process'
import type { SandboxStats } from '../../src/sandbox'
import { measureInChild } from './cpu'
import { peakMb, peakRss, batchCallBody, startBuiltServer, stopBuiltServer } from '../rss'
import { benchIdentify } from './identify'
import { engineTransport } from '../segment'

const CHILD_FLAG = '--server-child'

/** Pardot's limit per business unit: the most requests the server may have in flight. */
const SLOTS = 5
/** Single events sent before a throughput run is timed. */
const WARM_UP_EVENTS = 1000

export interface ServerChild {
  url: string
  pid: number
  cpuMicros(): Promise<number>
  stop(): void
}

/**
 * Starts `startLocalServer` with the sandbox at `latencyMs` in a fresh process. With `pardotUrl` (another server
 * child's), its requests to Pardot go there instead of to its own embedded sandbox, so its CPU is its own alone.
 */
export function serverChild(latencyMs: number, pardotUrl = ''): Promise<ServerChild> {
  return forkServer(__filename, [CHILD_FLAG, String(latencyMs), pardotUrl])
}

/** Runs `file` with `args` in a fresh process that posts its server's URL, then its CPU-µs whenever asked. */
export function forkServer(file: string, args: string[]): Promise<ServerChild> {
  const child = fork(file, args, {
    execArgv: ['-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const replies: { answer: (value: number) => void; fail: (error: Error) => void }[] = []
  const ask = () =>
    new Promise<number>((answer, fail) => {
      if (child.exitCode !== null || child.signalCode !== null) return fail(new Error('The server process has exited.'))
      replies.push({ answer, fail })
      child.send('cpu')
    })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', (code) => {
      const exited = new Error(`The server process exited (${code ?? child.signalCode}).`)
      // Before it listened, the start fails; after, a figure asked for and never sent does.
      reject(exited)
      for (const waiting of replies.splice(0)) waiting.fail(exited)
    })
    child.on('message', (message: { url?: string; cpu?: number }) => {
      if (message.url) {
        resolve({ url: message.url, pid: child.pid ?? 0, cpuMicros: ask, stop: () => child.kill('SIGKILL') })
      } else if (message.cpu !== undefined) replies.shift()?.answer(message.cpu)
    })
  })
}

/** The child's side of `forkServer`: posts its server's URL, then its CPU-µs (user + system) whenever asked. */
export function answerAsServerChild(url: string): void {
  process.on('message', () => {
    const used = process.cpuUsage()
    process.send?.({ cpu: used.user + used.system })
  })
  process.send?.({ url })
}

/** `count` single-event calls, `clients` at a time (each on its own keep-alive connection through fetch). */
async function singleEvents(url: string, from: number, count: number, clients: number): Promise<number> {
  let next = from
  let failed = 0
  const client = async () => {
    for (let i = next++; i < from + count; i = next++) {
      const res = await fetch(`${url}/prospects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: benchIdentify(i), useDefaultMappings: true })
      })
      if (!res.ok) failed++
      await res.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: clients }, client))
  return failed
}

async function stats(url: string): Promise<SandboxStats> {
  return (await (await fetch(`${url}/sandbox/stats`)).json()) as SandboxStats
}

export interface ThroughputRun {
  fraction: number
  maxArrived: number
  code66: number
  failed: number
}

/**
 * Single events for about `seconds` at the ideal rate, 20 callers waiting: events/s ÷ (5 / latency). The server is a
 * fresh `npm start` process (built, `node dist/server/main.js`), its sandbox's latency set through `/sandbox/config`.
 */
export async function throughput(latencyMs: number, seconds: number, port: number): Promise<ThroughputRun> {
  const ideal = SLOTS / (latencyMs / 1000)
  const events = Math.round(ideal * seconds)
  const server = await startBuiltServer(port)
  const url = `http://127.0.0.1:${port}`
  const post = async (path: string, body: object) => {
    const headers = { 'content-type': 'application/json' }
    const res = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`${path} answered ${res.status}: the run would not measure what it says.`)
  }
  try {
    // Warm-up at no latency, so the JIT has compiled the hot paths before the clock starts: the figure is the server's
    // steady state, not its first seconds (a fresh process is 1.5-2× slower per call until then).
    await post('/sandbox/config', { latencyMs: 0, dailyQuota: 1e9 })
    await singleEvents(url, 0, WARM_UP_EVENTS, 20)
    await post('/sandbox/config', { latencyMs })
    await post('/sandbox/reset', {})
    const began = process.hrtime.bigint()
    const failed = await singleEvents(url, 1000, events, 20)
    const elapsed = Number(process.hrtime.bigint() - began) / 1e9
    const seen = await stats(url)
    return {
      fraction: events / elapsed / ideal,
      maxArrived: Math.max(0, ...Object.values(seen.maxInFlightArrived)),
      code66: seen.answers['66'] ?? 0,
      failed
    }
  } finally {
    await stopBuiltServer(server)
  }
}

/**
 * The server process's CPU-µs per single-event call over HTTP, sandbox at 0 ms latency: in the same process (its
 * CPU counted as the server's), or with `pardot` in a process of its own (the server's own CPU alone). `start`
 * gives another server to measure the same way (the bare one of `minimal-server.ts`).
 */
export async function httpCpuPerEvent(
  events: number,
  pardot?: ServerChild,
  start: () => Promise<ServerChild> = () => serverChild(0, pardot?.url)
): Promise<number> {
  const server = await start()
  try {
    await singleEvents(server.url, 0, 500, 8) // warm-up
    const before = await server.cpuMicros()
    const failed = await singleEvents(server.url, 1000, events, 8)
    if (failed > 0) throw new Error(`${failed} of ${events} calls failed: the figure would not measure deliveries.`)
    return ((await server.cpuMicros()) - before) / events
  } finally {
    server.stop()
  }
}

/**
 * In-process `Destination.onEvent` CPU-µs per event: network stubbed (the cpu section's first measure), or with
 * `pardot` its requests sent over HTTP to that process's sandbox (this process's CPU alone).
 */
export async function inProcessCpuPerEvent(events: number, pardot?: ServerChild): Promise<number> {
  return 1e6 / (await measureInChild('ours', false, events, pardot?.url))
}

/** Sends the engine's requests for `from` (this server's embedded sandbox) to `to` (a sandbox in another process). */
function forwardPardot(from: string, to: string): void {
  const transport = engineTransport()
  const send = transport.default
  transport.default = (input, init) => {
    // The engine always hands its fetch a Request.
    const request = input as Request
    return send(
      request.url.startsWith(`${from}/`)
        ? new transport.Request(to + request.url.slice(from.length), request)
        : request,
      init
    )
  }
}

/**
 * Peak RSS above idle (MB) of a fresh `npm start` process for one 100,000-event call at `batchSize`. With `ownSandbox`,
 * a fresh server process whose requests go to a sandbox in another process, so the figure leaves out what the
 * sandbox (Pardot's stand-in) holds: the files it was sent, the rows they carry and the prospects they make.
 */
export async function batchCallRss(batchSize: number, port: number, ownSandbox = false): Promise<number> {
  const body = batchCallBody(100_000, batchSize)
  if (!ownSandbox) {
    const { peak, idle } = await peakRss(body, port)
    return peak - idle
  }
  const pardot = await serverChild(0)
  const server = await serverChild(0, pardot.url)
  try {
    const idle = peakMb(server.pid)
    const headers = { 'content-type': 'application/json' }
    await (await fetch(`${server.url}/prospects`, { method: 'POST', headers, body })).arrayBuffer()
    return peakMb(server.pid) - idle
  } finally {
    server.stop()
    pardot.stop()
  }
}

if (process.argv[2] === CHILD_FLAG) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startLocalServer } = require('../../src/server/app') as typeof import('../../src/server/app')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { boundHeapGrowth } = require('../../src/server/heap') as typeof import('../../src/server/heap')
  // As `npm start` (main.ts) runs the server.
  boundHeapGrowth()
  const pardotUrl = process.argv[4]
  // As `npm start` runs it: the embedded sandbox on its own thread (unused when Pardot is another process).
  const sandbox = { latencyMs: Number(process.argv[3]), dailyQuota: 1e9 }
  startLocalServer({ port: 0, sandbox, sandboxThread: !pardotUrl })
    .then((local) => {
      if (pardotUrl) forwardPardot(local.url, pardotUrl)
      answerAsServerChild(local.url)
    })
    .catch((error: unknown) => {
      console.error(error)
      process.exit(1)
    })
}
