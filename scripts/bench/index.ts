/** `npm run bench`: prints every benchmark's figures. Flags: `npm run bench -- --help` (options.ts). */
import { measureInChild } from './cpu'
import { segmentPardot } from '../segment'
import { deliveryRun, withLocalServer, type DeliveryRun } from './delivery'
import { serverBench } from './server-report'
import { median } from './median'
import { benchOptions, type BenchOptions } from './options'

/**
 * The fewest import calls that can carry the run: one per POST of a batch (each batch is its own onBatch), and
 * within a batch one per file under 10 MB.
 */
function physicalMinimum(events: number, batchSize: number, megabytes: number): number {
  const batches = Math.ceil(events / batchSize)
  return batches * Math.max(1, Math.ceil(megabytes / batches / 10))
}

async function deliveryBench({ sizes, repeat, batchSizes, single }: BenchOptions) {
  console.log(`\nBulk delivery: identify events → local server → embedded sandbox (median of ${repeat} runs)`)
  console.log('"uneven": each optional trait present 70% of the time, so events carry different sets of fields')
  console.log('API calls count the import creates and the polls and errors downloads that follow each import')
  console.log(
    'events   | mode                         | API calls | creates | follow-ups | CSV MB | wall time (s) | events/s | delivered | failed'
  )
  await withLocalServer(async (local) => {
    for (const n of sizes) {
      const modes: [string, boolean, number, boolean][] = [
        ...(single ? [['one upsert per event', false, 0, false] as [string, boolean, number, boolean]] : []),
        ...batchSizes.flatMap((b): [string, boolean, number, boolean][] => [
          [`import, batch ${b}`, true, b, false],
          [`import, batch ${b}, uneven`, true, b, true]
        ])
      ]
      const runs = new Map<string, DeliveryRun[]>(modes.map(([name]) => [name, []]))
      // Modes interleave within each repeat, so all of them see the same machine state.
      for (let r = 0; r < repeat; r++) {
        for (const [name, batching, size, uneven] of modes) {
          runs.get(name)?.push(await deliveryRun(local, n, batching, size, uneven))
        }
      }
      const perEvent = single ? median(runs.get(modes[0][0])?.map((x) => x.apiCalls) ?? []) : n
      const perEventSeconds = single ? median(runs.get(modes[0][0])?.map((x) => x.seconds) ?? []) : NaN
      for (const [name, , batchSize] of modes) {
        const list = runs.get(name) ?? []
        const calls = median(list.map((x) => x.apiCalls))
        const creates = median(list.map((x) => x.creates))
        const followUps = median(list.map((x) => x.followUps))
        const mb = median(list.map((x) => x.csvMegabytes))
        const seconds = median(list.map((x) => x.seconds))
        const cells = [
          String(n).padEnd(8),
          name.padEnd(28),
          String(calls).padStart(9),
          String(creates).padStart(7),
          String(followUps).padStart(10),
          mb.toFixed(1).padStart(6),
          seconds.toFixed(2).padStart(13),
          String(Math.round(n / seconds)).padStart(8),
          String(Math.min(...list.map((x) => x.delivered))).padStart(9),
          String(Math.max(...list.map((x) => x.failed)))
        ]
        const ratio =
          name === 'one upsert per event'
            ? ''
            : `   ← ${Math.round(perEvent / calls)}× fewer calls${single ? `, ${(perEventSeconds / seconds).toFixed(1)}× faster` : ''}; physical minimum ${physicalMinimum(n, batchSize, mb)} create call(s)`
        console.log(cells.join(' | ') + ratio)
      }
      for (const size of batchSizes)
        verdicts(n, size, runs.get(`import, batch ${size}`), runs.get(`import, batch ${size}, uneven`))
    }
  })
}

/**
 * The targets: uneven events cost no more calls than even ones, and each batch at most 1 create per 10 MB file
 * plus at most 5 follow-up calls (polls and errors download) per import.
 */
function verdicts(n: number, batchSize: number, even: DeliveryRun[] = [], uneven: DeliveryRun[] = []) {
  const calls = (list: DeliveryRun[]) => median(list.map((x) => x.apiCalls))
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED')
  console.log(
    `${n} events, batch ${batchSize}: uneven ${calls(uneven)} calls vs even ${calls(even)} (target uneven ≤ even: ${met(calls(uneven) <= calls(even))})`
  )
  for (const [name, list] of [
    ['even', even],
    ['uneven', uneven]
  ] as const) {
    const worst = list.reduce(
      (w, x) => ({
        creates: Math.max(w.creates, x.creates - physicalMinimum(n, batchSize, x.csvMegabytes)),
        followUps: Math.max(w.followUps, x.followUps / Math.max(1, x.creates))
      }),
      { creates: -Infinity, followUps: 0 }
    )
    console.log(
      `  ${name}: creates over 1 per 10 MB file ${worst.creates}, follow-ups per import ${worst.followUps.toFixed(1)} (target 0 and ≤ 5: ${met(worst.creates <= 0 && worst.followUps <= 5)})`
    )
  }
}

async function cpuBench({ cpuEvents: events, repeat }: BenchOptions) {
  const segment = segmentPardot()
  // The like-for-like row: a destination migrated from Segment's keeps its saved mapping, which holds only
  // Segment's fields. The last row adds this destination's own new fields (batching, matching) at their defaults.
  const rows: { name: string; which: 'ours' | 'segment'; segmentMapping: boolean; skipped?: string }[] = [
    { name: 'this destination', which: 'ours', segmentMapping: true },
    {
      name: "Segment's Pardot (Actions)",
      which: 'segment',
      segmentMapping: true,
      skipped: typeof segment === 'string' ? segment : undefined
    },
    { name: 'this destination, own defaults', which: 'ours', segmentMapping: false }
  ]
  const measured = rows.filter((row) => !row.skipped)
  console.log(
    `\nCPU per event: prospects through Destination.onEvent, network stubbed in-process at the engine's fetch (median of ${repeat} runs of ${events}, each in a fresh process; the first two rows map the same saved Segment mapping)`
  )
  const results = new Map<string, number[]>()
  for (let r = 0; r < repeat; r++) {
    // Rotate who goes first, so no row always runs on a warmer (or more throttled) machine.
    const order = [...measured.slice(r % measured.length), ...measured.slice(0, r % measured.length)]
    for (const row of order) {
      const rate = await measureInChild(row.which, row.segmentMapping, events)
      results.set(row.name, [...(results.get(row.name) ?? []), rate])
    }
  }
  for (const row of rows) {
    const runs = results.get(row.name)
    if (!runs) {
      console.log(`${row.name.padEnd(30)} | ${row.skipped}`)
      continue
    }
    const rate = median(runs)
    const spread = `runs ${runs.map((x) => Math.round(x)).join(', ')}`
    console.log(
      `${row.name.padEnd(30)} | ${Math.round(rate)} events per CPU-second | ${(1e6 / rate).toFixed(0)} CPU-µs/event | ${spread}`
    )
  }
  const theirs = results.get(rows[1].name)
  if (!theirs) return
  for (const row of [rows[0], rows[2]]) {
    const ratio = median(results.get(row.name) ?? []) / median(theirs)
    const verdict = ratio >= 1 ? 'no slower than Segment' : 'slower than Segment'
    console.log(`${row.name}: ${ratio.toFixed(3)}× Segment's events/s (${verdict})`)
  }
}

async function main() {
  const options = benchOptions()
  const { only } = options
  if (only === 'all' || only === 'cpu') await cpuBench(options)
  if (only === 'all' || only === 'delivery') await deliveryBench(options)
  if (only === 'all' || only === 'server') await serverBench(options.server)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
