/** The bench's server section: prints what `server.ts` measures, medians of `--repeat` fresh processes. */
import { batchCallRss, httpCpuPerEvent, inProcessCpuPerEvent, throughput, type ThroughputRun } from './server'
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
    for (let r = 0; r < repeat; r++) runs.push(await throughput(latency, seconds))
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

  console.log(
    `\nLocal server CPU per single-event call over HTTP (sandbox in the same process, 0 ms latency) ÷ in-process onEvent (median of ${repeat} runs of ${httpEvents})`
  )
  const http: number[] = []
  const inProcess: number[] = []
  for (let r = 0; r < repeat; r++) {
    http.push(await httpCpuPerEvent(httpEvents))
    inProcess.push(await inProcessCpuPerEvent(httpEvents))
  }
  const ratio = median(http) / median(inProcess)
  console.log(
    `over HTTP ${median(http).toFixed(0)} CPU-µs/call (runs ${http.map(Math.round).join(', ')}) | in-process ${median(inProcess).toFixed(0)} CPU-µs/event (runs ${inProcess.map(Math.round).join(', ')}) | ${ratio.toFixed(2)}×`
  )

  console.log(`\nLocal server peak RSS above idle for one 100,000-event call (median of ${repeat} fresh processes)`)
  for (const batchSize of [10_000, 100_000]) {
    const runs: number[] = []
    for (let r = 0; r < repeat; r++) runs.push(await batchCallRss(batchSize, port))
    console.log(
      `batch_size ${String(batchSize).padEnd(7)} | ${median(runs).toFixed(0)} MB | runs ${runs.map((x) => x.toFixed(0)).join(', ')}`
    )
  }
}
