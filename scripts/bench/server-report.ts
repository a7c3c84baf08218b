/** The bench's server section: prints what `server.ts` measures, medians of `--repeat` fresh processes. */
import {
  batchCallRss,
  httpCpuPerEvent,
  inProcessCpuPerEvent,
  serverChild,
  throughput,
  type ThroughputRun
} from './server'
import { bareExchangeCpu } from './http-floor'
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

/** The server's CPU per single-event call over HTTP ÷ in-process onEvent: as first measured, and like for like. */
async function cpuRatioRows(repeat: number, httpEvents: number): Promise<void> {
  console.log(
    `\nLocal server CPU per single-event call over HTTP ÷ in-process onEvent (median of ${repeat} runs of ${httpEvents}, each a fresh process)`
  )
  // As first measured: the over-HTTP figure counts the embedded sandbox's CPU (Pardot's stand-in, in the server's
  // process) while the in-process one stubs Pardot out at the engine's fetch, with no HTTP client at all.
  // Like for like: the sandbox runs in a process of its own for both, both make real HTTP requests to it, and each
  // figure counts only its own process's CPU: the ratio is what the server's HTTP front and reports add.
  const rows: [string, string, string, boolean][] = [
    ['embedded', 'over HTTP, sandbox in the server process (its CPU counted)', 'in-process, Pardot stubbed', false],
    ['like for like', 'over HTTP, sandbox in its own process', 'in-process, HTTP to the same sandbox', true]
  ]
  let stubbedInProcess = 0
  for (const [name, httpLabel, inLabel, ownSandbox] of rows) {
    const http: number[] = []
    const inProcess: number[] = []
    for (let r = 0; r < repeat; r++) {
      const pardot = ownSandbox ? await serverChild(0) : undefined
      try {
        http.push(await httpCpuPerEvent(httpEvents, pardot))
        inProcess.push(await inProcessCpuPerEvent(httpEvents, pardot))
      } finally {
        pardot?.stop()
      }
    }
    const ratio = median(http) / median(inProcess)
    if (!ownSandbox) stubbedInProcess = median(inProcess)
    console.log(
      `${name.padEnd(13)} | ${httpLabel} ${median(http).toFixed(0)} CPU-µs/call (runs ${http.map(Math.round).join(', ')}) | ${inLabel} ${median(inProcess).toFixed(0)} CPU-µs/event (runs ${inProcess.map(Math.round).join(', ')}) | ${ratio.toFixed(2)}×`
    )
  }
  await httpFloorRow(repeat, httpEvents, stubbedInProcess)
}

/**
 * The floor under the embedded ratio: one bare HTTP exchange (a `node:http` server answering the engine's fetch, one
 * process). The embedded path pays one for its sandbox leg, and the server side of the caller's request besides.
 */
async function httpFloorRow(repeat: number, httpEvents: number, inProcess: number): Promise<void> {
  const runs: number[] = []
  for (let r = 0; r < repeat; r++) runs.push(await bareExchangeCpu(httpEvents))
  const floor = median(runs)
  console.log(
    `floor         | one bare HTTP exchange (node:http server + the engine's fetch, one process) ${floor.toFixed(0)} CPU-µs (runs ${runs.map(Math.round).join(', ')}) | (in-process + one exchange) ÷ in-process ${((inProcess + floor) / inProcess).toFixed(2)}×, before the caller's own request`
  )
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
