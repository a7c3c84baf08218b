/** The bench's server section: prints what `server.ts` measures, medians of `--repeat` fresh processes. */
import {
  batchCallRss,
  httpCpuPerEvent,
  inProcessCpuPerEvent,
  serverChild,
  throughput,
  type ThroughputRun
} from './server'
import { engineOverHttpCpu, minimalServerChild } from './minimal-server'
import { median } from './median'
import type { ServerBenchOptions } from './options'

export async function serverBench({ repeat, latencies, seconds, httpEvents, port }: ServerBenchOptions): Promise<void> {
  console.log(
    `\nLocal server: single-event calls (20 callers) against the sandbox, events/s ÷ (5 / latency) (median of ${repeat}, each a fresh server process)`
  )
  console.log(
    'latency | throughput ÷ 5/latency | runs                 | most at the sandbox at once | code 66 | failed'
  )
  for (const latency of latencies) {
    const runs: ThroughputRun[] = []
    for (let r = 0; r < repeat; r++) runs.push(await throughput(latency, seconds, port))
    const cells = [
      `${latency} ms`.padEnd(7),
      median(runs.map((x) => x.fraction))
        .toFixed(3)
        .padStart(22),
      runs
        .map((x) => x.fraction.toFixed(3))
        .join(', ')
        .padEnd(20),
      String(Math.max(...runs.map((x) => x.maxArrived))).padStart(27),
      String(Math.max(...runs.map((x) => x.code66))).padStart(7),
      String(Math.max(...runs.map((x) => x.failed)))
    ]
    console.log(cells.join(' | '))
  }

  await cpuRatioRows(repeat, httpEvents)
  await rssRows(repeat, port)
}

/** One run of every CPU figure, each in fresh processes, taken one after the other so drift hits them alike. */
interface CpuRun {
  embedded: number
  stubbed: number
  likeHttp: number
  likeInProcess: number
  engine: number
  bare: number
}

async function cpuRun(events: number): Promise<CpuRun> {
  const embedded = await httpCpuPerEvent(events)
  const bare = await httpCpuPerEvent(events, undefined, minimalServerChild)
  const stubbed = await inProcessCpuPerEvent(events)
  const engine = await engineOverHttpCpu(events)
  const pardot = await serverChild(0)
  try {
    const likeHttp = await httpCpuPerEvent(events, pardot)
    return { embedded, stubbed, likeHttp, likeInProcess: await inProcessCpuPerEvent(events, pardot), engine, bare }
  } finally {
    pardot.stop()
  }
}

/**
 * The server's CPU per single-event call over HTTP ÷ in-process onEvent: as first measured, like for like, and the
 * floor under the first, measured rather than argued (`minimal-server.ts`): the engine alone sending its requests over
 * HTTP to the sandbox thread, and a bare server doing nothing per call but run the same `onEvent`. What the local
 * server costs above the bare one is its own work; what the bare one costs above in-process is HTTP.
 */
async function cpuRatioRows(repeat: number, httpEvents: number): Promise<void> {
  console.log(
    `\nLocal server CPU per single-event call over HTTP ÷ in-process onEvent (median of ${repeat} runs of ${httpEvents}, each a fresh process)`
  )
  const runs: CpuRun[] = []
  for (let r = 0; r < repeat; r++) runs.push(await cpuRun(httpEvents))
  const figure = (key: keyof CpuRun, unit: string) => {
    const values = runs.map((run) => run[key])
    return `${median(values).toFixed(0)} CPU-µs/${unit} (runs ${values.map(Math.round).join(', ')})`
  }
  const ratio = (over: keyof CpuRun, under: keyof CpuRun) => {
    const pairs = runs.map((run) => run[over] / run[under])
    return `${median(pairs).toFixed(2)}× (runs ${pairs.map((x) => x.toFixed(2)).join(', ')})`
  }
  // As first measured: the over-HTTP figure counts the embedded sandbox's CPU (Pardot's stand-in, on the server's
  // thread of its own) while the in-process one stubs Pardot out at the engine's fetch, with no HTTP client at all.
  // Like for like: the sandbox runs in a process of its own for both, both make real HTTP requests to it, and each
  // figure counts only its own process's CPU: the ratio is what the server's HTTP front and reports add.
  const rows = [
    `embedded      | over HTTP, sandbox thread counted ${figure('embedded', 'call')} | in-process, Pardot stubbed ${figure('stubbed', 'event')} | ${ratio('embedded', 'stubbed')}`,
    `like for like | over HTTP, sandbox in its own process ${figure('likeHttp', 'call')} | in-process, HTTP to the same sandbox ${figure('likeInProcess', 'event')} | ${ratio('likeHttp', 'likeInProcess')}`,
    `floor         | engine alone: onEvent, 8 in flight, HTTP to a sandbox thread (counted) ${figure('engine', 'event')} | ÷ in-process stubbed ${ratio('engine', 'stubbed')}`,
    `floor         | bare server: node:http + JSON.parse + the same onEvent, nothing else (no limiter: 8 at the sandbox at once) ${figure('bare', 'call')} | ÷ in-process stubbed ${ratio('bare', 'stubbed')}`,
    `server's own  | local server ÷ bare server, both embedding the sandbox thread: ${ratio('embedded', 'bare')}`
  ]
  for (const row of rows) console.log(row)
}

/** Peak RSS above idle for one 100,000-event call, with the embedded sandbox (npm start) and without it. */
async function rssRows(repeat: number, port: number): Promise<void> {
  console.log(`\nLocal server peak RSS above idle for one 100,000-event call (median of ${repeat} fresh processes)`)
  // "npm start" embeds the sandbox, so its figure holds what Pardot's stand-in keeps too (every file, row and
  // prospect); "own sandbox" is the server alone, its requests sent to a sandbox in another process.
  for (const ownSandbox of [false, true]) {
    for (const batchSize of [10_000, 100_000]) {
      const runs: number[] = []
      for (let r = 0; r < repeat; r++) runs.push(await batchCallRss(batchSize, port, ownSandbox))
      console.log(
        `${ownSandbox ? 'own sandbox' : 'npm start  '} | batch_size ${String(batchSize).padEnd(7)} | ${median(runs).toFixed(0)} MB | runs ${runs.map((x) => x.toFixed(0)).join(', ')}`
      )
    }
  }
}
