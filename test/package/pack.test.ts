import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * What a CDP does with the package: `npm run build`, `npm pack`, then a scratch project that installs the tarball
 * beside @segment/actions-core alone, with the package.json the README gives, and delivers an event through it. The
 * install is `npm ci --offline` from a lockfile made of this repository's own production entries, so it needs no
 * network: CI's `npm ci` has already put every one of those tarballs in the npm cache. That lockfile pins fast-uri
 * as this repository does, so the install alone cannot show the override is needed; the override test checks the
 * README's package.json carries it.
 */

const ROOT = join(__dirname, '..', '..')
const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

interface LockEntry {
  version?: string
  dev?: boolean
  link?: boolean
  [key: string]: unknown
}
interface Manifest {
  name: string
  version: string
  dependencies: Record<string, string>
  engines?: Record<string, string>
}

/** A TypeScript consumer of both entry points, compiled in the scratch project against the packed .d.ts files. */
const TYPES_CONSUMER = `
import { Destination, type DestinationDefinition } from '@segment/actions-core'
import pardot, { createPardotDestination, type Settings } from 'pardot-actions-destination'
import { localHosts, startLocalServer } from 'pardot-actions-destination/server'

const shipped: DestinationDefinition<Settings> = pardot
const aimed: DestinationDefinition<Settings> = createPardotDestination({ hosts: localHosts('http://127.0.0.1:1') })
export const all = [new Destination(shipped), aimed, startLocalServer]
`

interface ConsumerManifest {
  name: string
  dependencies: Record<string, string>
  overrides?: Record<string, string>
}

/** The README's consumer package.json: the json block of "Use it in another project" that depends on this package. */
function readmeConsumerManifest(): ConsumerManifest {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1])
  const block = blocks.find((text) => text.includes('"pardot-actions-destination": "file:'))
  if (!block) throw new Error('README.md has no consumer package.json block')
  return JSON.parse(block) as ConsumerManifest
}

let consumer: ConsumerManifest
let scratch: string
let tarball: string
let files: string[]

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'pardot-pack-'))
  run('npm', ['run', 'build'], ROOT)
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', scratch], ROOT)) as {
    filename: string
    files: { path: string }[]
  }[]
  tarball = packed[0].filename
  files = packed[0].files.map((file) => file.path)

  const read = (name: string): unknown => JSON.parse(readFileSync(join(ROOT, name), 'utf8'))
  const lock = read('package-lock.json') as { packages: Record<string, LockEntry> }
  const manifest = read('package.json') as Manifest
  // The package.json the README tells a user to write, with the tarball where this test packed it: the install
  // below proves the README's own instructions, override included.
  consumer = readmeConsumerManifest()
  consumer.dependencies[manifest.name] = `file:${tarball}`
  const { dependencies } = consumer
  const packages: Record<string, LockEntry> = { '': { name: consumer.name, dependencies } }
  // Our dependencies and actions-core's, hoisted as here, at the versions and integrity this repository locks.
  for (const [key, entry] of Object.entries(lock.packages))
    if (key !== '' && !entry.dev && !entry.link) packages[key] = entry
  packages[`node_modules/${manifest.name}`] = {
    version: manifest.version,
    resolved: `file:${tarball}`,
    dependencies: manifest.dependencies,
    ...(manifest.engines ? { engines: manifest.engines } : {})
  }
  const write = (name: string, value: unknown) => writeFileSync(join(scratch, name), JSON.stringify(value, null, 2))
  write('package.json', consumer)
  write('package-lock.json', { name: consumer.name, lockfileVersion: 3, requires: true, packages })
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], scratch)
  copyFileSync(join(__dirname, 'scratch-deliver.js'), join(scratch, 'deliver.js'))
  writeFileSync(join(scratch, 'types.ts'), TYPES_CONSUMER)
}, 240_000)

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

it('packs JavaScript, .d.ts and the Event Tester files, and no tests, scripts or sources', () => {
  expect(files).toEqual(
    expect.arrayContaining([
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/server/index.js',
      'dist/server/index.d.ts',
      'dist/server/main.js',
      'dist/server/tester/index.html',
      'dist/server/tester/tester.css',
      'dist/server/tester/tester.js'
    ])
  )
  expect(
    files.filter((file) => /__tests__|\.test\.|^src\/|^scripts\/|^test\/|\.ts$/.test(file) && !file.endsWith('.d.ts'))
  ).toEqual([])
})

it("tells a consumer to write every override this repository needs, since npm ignores a dependency's own", () => {
  const own = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { overrides?: Record<string, string> })
    .overrides
  expect(own).toHaveProperty('fast-uri')
  expect(consumer.overrides).toEqual(own)
  const installed = JSON.parse(readFileSync(join(scratch, 'node_modules', 'fast-uri', 'package.json'), 'utf8')) as {
    version: string
  }
  expect(installed.version).toBe(consumer.overrides?.['fast-uri'])
})

it('installs beside actions-core alone and delivers an identify event through it', () => {
  expect(readdirSync(join(scratch, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(
    expect.arrayContaining(['@segment', 'pardot-actions-destination', 'dayjs', 'liquidjs'])
  )
  const outcome = JSON.parse(run(process.execPath, ['deliver.js'], scratch)) as {
    name: string
    results: { output?: string; data?: { email?: string } }[]
    prospects: { email: string; firstName?: string }[]
    tester: number
  }
  expect(outcome.name).toBe('Pardot (Actions)')
  expect(outcome.results.at(-1)).toMatchObject({ output: 'Action Executed', data: { email: 'packed@example.com' } })
  expect(outcome.prospects).toEqual([expect.objectContaining({ email: 'packed@example.com', firstName: 'Pat' })])
  // The server subpath found its static files in the package.
  expect(outcome.tester).toBe(200)
}, 60_000)

it('types both entry points for a TypeScript consumer', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const args = ['--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--skipLibCheck']
  expect(() => run(process.execPath, [tsc, ...args, '--types', 'node', 'types.ts'], scratch)).not.toThrow()
}, 60_000)
