/**
 * `npm run rss`: peak resident memory (VmHWM) of a fresh `npm start` process (built, then `node dist/server/main.js`)
 * for one large call: a single identify event carrying a 45 MB trait, then a 100,000-event batch (Import API,
 * batch_size 100,000). Loopback and sandbox only.
 * Flags: USAGE below (`npm run rss -- --help`). The bench imports `peakRss`, so flags are read only when run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseNumber } from '../src/cli-flags'
import { scriptOptions } from './flags'

const USAGE = `npm run rss [-- flags]: peak resident memory of a fresh \`npm start\` for a 45 MB body and a 100,000-event batch call.
  --port 3999       the port the fresh server listens on
  --api-key <key>   the fresh server is given it (PARDOT_SERVER_API_KEY) and the calls send it as a Bearer key`

const FLAGS = { port: { type: 'string' }, 'api-key': { type: 'string' } } as const
const DEFAULT_PORT = 3999

/** A process's peak resident memory so far (VmHWM), in MB. */
export const peakMb = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

const identify = (i: number) => ({
  type: 'identify',
  userId: `user-${i}`,
  messageId: `msg-${i}-0123456789abcdef`,
  timestamp: '2026-11-30T01:00:00.000Z',
  traits: { email: `user${i}@example.com`, first_name: 'Ann', last_name: `Lee ${i}`, company: 'Acme, Inc.' }
})

const CASES: Record<string, () => string> = {
  '45 MB body (one event, a 45 MB first name)': () =>
    JSON.stringify({ payload: { ...identify(0), traits: { ...identify(0).traits, first_name: 'x'.repeat(45e6) } } }),
  '100,000-event batch call': () => batchCallBody(100_000, 100_000)
}

/** One call of `events` identify events through the Import API, in batches of `batchSize`. */
export function batchCallBody(events: number, batchSize: number): string {
  return JSON.stringify({
    payload: Array.from({ length: events }, (_, i) => identify(i)),
    mapping: { enable_batching: true, batch_size: batchSize },
    useDefaultMappings: true
  })
}

export interface RssRun {
  /** Peak resident memory (MB) of the server process, and its peak before the call. */
  peak: number
  idle: number
  status: number
  answerBytes: number
  seconds: number
}

let built = false

/** `npm start`'s own build (`prestart`), once per process: the server measured is the one `npm start` runs. */
function buildOnce(): void {
  if (built) return
  const build = spawnSync(process.execPath, [join(__dirname, 'build.js')], { stdio: 'inherit' })
  if (build.status !== 0) throw new Error('npm run build failed: the server cannot be measured.')
  built = true
}

/**
 * A fresh server process exactly as `npm start` runs it (`node dist/server/main.js`, built first), once it listens.
 * Not through ts-node: its compiler would sit in the figures. The caller kills it.
 */
export async function startBuiltServer(port = DEFAULT_PORT, key?: string): Promise<ChildProcess> {
  buildOnce()
  const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'server', 'main.js'), '--port', String(port)], {
    env: { ...process.env, PARDOT_SERVER_API_KEY: key ?? '' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.includes('local server on') && resolve())
    // Say why instead of waiting for ever: the port taken, a build that does not start.
    child.once('exit', (code) => reject(new Error(`The server exited (code ${code}) before it listened on ${port}.`)))
  })
  return child
}

/** Stops a server `startBuiltServer` started, once its port is free again for the next. */
export async function stopBuiltServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/** Sends a fresh `npm start` process `body` as one call, and reads its peak RSS. */
export async function peakRss(body: string, port = DEFAULT_PORT, key?: string): Promise<RssRun> {
  const child = await startBuiltServer(port, key)
  const idle = peakMb(child.pid ?? 0)
  const started = Date.now()
  const res = await fetch(`http://127.0.0.1:${port}/prospects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body
  })
  const answer = await res.text()
  const peak = peakMb(child.pid ?? 0)
  await stopBuiltServer(child)
  return { peak, idle, status: res.status, answerBytes: answer.length, seconds: (Date.now() - started) / 1000 }
}

async function main() {
  const { port, key } = scriptOptions(FLAGS, USAGE, (flags) => ({
    port: parseNumber('--port', flags.port ?? String(DEFAULT_PORT), { integer: true, min: 1, max: 65535 }),
    key: flags['api-key']
  }))
  const mb = (n: number) => `${n.toFixed(0)} MB`
  for (const [name, make] of Object.entries(CASES)) {
    const body = make()
    const run = await peakRss(body, port, key)
    console.log(
      `${name}: body ${mb(body.length / 1e6)}, status ${run.status}, answer ${mb(run.answerBytes / 1e6)}, ` +
        `${run.seconds.toFixed(1)} s, peak RSS ${mb(run.peak)} (idle ${mb(run.idle)})`
    )
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
