/** The bench's flags (`npm run bench -- --help`), read once into numbers checked by name. */
import { parseNumber, parseNumberList } from '../../src/cli-flags'
import { scriptOptions } from '../flags'

const USAGE = `npm run bench [-- flags]: prints every benchmark's figures (medians of --repeat runs).
  --only cpu|delivery|server   one section instead of all three
  --repeat 3                   runs per figure (the median is printed)
  --cpu-events 20000           events per CPU run (cpu)
  --sizes 10000,100000         events per bulk delivery run (delivery)
  --batch-sizes 10000,100000   the batch sizes compared (delivery)
  --single off                 skips the one-upsert-per-event rows (they cost one call per event by definition, and
                               take minutes); on by default
  --latencies 50,100,200       the sandbox's latency (ms) for the throughput runs (server)
  --server-seconds 6           how long each throughput run lasts (server)
  --http-events 3000           single-event calls per CPU-over-HTTP run (server)
  --rss-port 3999              the port of the fresh \`npm start\` processes: throughput and peak RSS (server)`

const FLAGS = {
  only: { type: 'string' },
  repeat: { type: 'string' },
  'cpu-events': { type: 'string' },
  sizes: { type: 'string' },
  'batch-sizes': { type: 'string' },
  single: { type: 'string' },
  latencies: { type: 'string' },
  'server-seconds': { type: 'string' },
  'http-events': { type: 'string' },
  'rss-port': { type: 'string' }
} as const

const SECTIONS = ['all', 'cpu', 'delivery', 'server'] as const

/** The server section's options. */
export interface ServerBenchOptions {
  repeat: number
  latencies: number[]
  seconds: number
  httpEvents: number
  port: number
}

export interface BenchOptions {
  only: (typeof SECTIONS)[number]
  repeat: number
  cpuEvents: number
  sizes: number[]
  batchSizes: number[]
  single: boolean
  server: ServerBenchOptions
}

const count = { integer: true, min: 1 }

export const benchOptions = (): BenchOptions =>
  scriptOptions(FLAGS, USAGE, (flags) => {
    const only = SECTIONS.find((section) => section === (flags.only ?? 'all'))
    if (!only) throw new Error(`--only "${flags.only}" is not a section: use cpu, delivery or server.`)
    if (!['on', 'off'].includes(flags.single ?? 'on')) throw new Error(`--single "${flags.single}" is not on or off.`)
    const repeat = parseNumber('--repeat', flags.repeat ?? '3', count)
    return {
      only,
      repeat,
      cpuEvents: parseNumber('--cpu-events', flags['cpu-events'] ?? '20000', count),
      sizes: parseNumberList('--sizes', flags.sizes ?? '10000,100000', count),
      batchSizes: parseNumberList('--batch-sizes', flags['batch-sizes'] ?? '10000,100000', count),
      single: flags.single !== 'off',
      server: {
        repeat,
        latencies: parseNumberList('--latencies', flags.latencies ?? '50,100,200'),
        seconds: parseNumber('--server-seconds', flags['server-seconds'] ?? '6', { aboveMin: true }),
        httpEvents: parseNumber('--http-events', flags['http-events'] ?? '3000', count),
        port: parseNumber('--rss-port', flags['rss-port'] ?? '3999', { integer: true, min: 1, max: 65535 })
      }
    }
  })
