/**
 * `npm run bench`: prints every benchmark's figures.
 * Options: --sizes 10000,100000  --repeat 3  --batch-sizes 10000,100000  --cpu-events 20000  --only cpu|delivery
 */
import { eventsPerSecond, segmentPardot } from './cpu'
import { deliveryRun, withLocalServer, type DeliveryRun } from './delivery'
import ours from '../../src/destinations/pardot'
import type { DestinationDefinition } from '@segment/actions-core'

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

async function deliveryBench() {
  const sizes = option('sizes', '10000,100000').split(',').map(Number)
  const repeat = Number(option('repeat', '3'))
  const batchSizes = option('batch-sizes', '10000,100000').split(',').map(Number)
  console.log(`\nBulk delivery: identify events → local server → embedded sandbox (median of ${repeat} runs)`)
  console.log('events   | mode                 | API calls | CSV MB | wall time (s) | events/s | delivered | failed')
  await withLocalServer(async (local) => {
    for (const n of sizes) {
      const modes: [string, boolean, number][] = [
        ['one upsert per event', false, 0],
        ...batchSizes.map((b): [string, boolean, number] => [`import, batch ${b}`, true, b])
      ]
      const runs = new Map<string, DeliveryRun[]>(modes.map(([name]) => [name, []]))
      // Modes interleave within each repeat, so all of them see the same machine state.
      for (let r = 0; r < repeat; r++) {
        for (const [name, batching, size] of modes) runs.get(name)?.push(await deliveryRun(local, n, batching, size))
      }
      const perEvent = median(runs.get(modes[0][0])?.map((x) => x.apiCalls) ?? [])
      const perEventSeconds = median(runs.get(modes[0][0])?.map((x) => x.seconds) ?? [])
      for (const [name] of modes) {
        const list = runs.get(name) ?? []
        const calls = median(list.map((x) => x.apiCalls))
        const mb = median(list.map((x) => x.csvMegabytes))
        const seconds = median(list.map((x) => x.seconds))
        const cells = [
          String(n).padEnd(8),
          name.padEnd(20),
          String(calls).padStart(9),
          mb.toFixed(1).padStart(6),
          seconds.toFixed(2).padStart(13),
          String(Math.round(n / seconds)).padStart(8),
          String(Math.min(...list.map((x) => x.delivered))).padStart(9),
          String(Math.max(...list.map((x) => x.failed)))
        ]
        const ratio =
          name === modes[0][0]
            ? ''
            : `   ← ${Math.round(perEvent / calls)}× fewer calls, ${(perEventSeconds / seconds).toFixed(1)}× faster; physical minimum ${Math.max(1, Math.ceil(mb / 10))} call(s)`
        console.log(cells.join(' | ') + ratio)
      }
    }
  })
}

async function cpuBench() {
  const events = Number(option('cpu-events', '20000'))
  const repeat = Number(option('repeat', '3'))
  const segment = segmentPardot()
  const columns: [string, DestinationDefinition<unknown> | string][] = [
    ['this destination', ours as DestinationDefinition<unknown>],
    ["Segment's Pardot (Actions)", segment]
  ]
  console.log(
    `\nCPU per event: prospects through Destination.onEvent, network stubbed in-process at the engine's fetch (median of ${repeat} runs of ${events})`
  )
  const results = new Map<string, number[]>()
  for (let r = 0; r < repeat; r++) {
    for (const [name, definition] of columns) {
      if (typeof definition === 'string') continue
      results.set(name, [...(results.get(name) ?? []), await eventsPerSecond(definition, events)])
    }
  }
  for (const [name, definition] of columns) {
    if (typeof definition === 'string') {
      console.log(`${name.padEnd(28)} | ${definition}`)
      continue
    }
    const rate = median(results.get(name) ?? [])
    console.log(
      `${name.padEnd(28)} | ${Math.round(rate)} events per CPU-second | ${(1e6 / rate).toFixed(0)} CPU-µs/event`
    )
  }
  const mine = results.get(columns[0][0])
  const theirs = results.get(columns[1][0])
  if (mine && theirs) console.log(`ratio: ${(median(mine) / median(theirs)).toFixed(2)}× Segment's events/s`)
}

async function main() {
  const only = option('only', 'all')
  if (only === 'all' || only === 'cpu') await cpuBench()
  if (only === 'all' || only === 'delivery') await deliveryBench()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
