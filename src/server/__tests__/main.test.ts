import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { SANDBOX_DEFAULTS } from '../../sandbox'

/** `npm start` as an operator runs it: a child process, its banner, its log lines, and Ctrl-C. */

const ROOT = join(__dirname, '..', '..', '..')
const UPSERT = 'POST /api/v5/objects/prospects/do/upsertLatestByEmail'
const BAD_ACCESS = 'BAD-ACCESS-TOKEN-789'
const UNKNOWN_REFRESH = 'UNKNOWN-REFRESH-TOKEN-456'

interface Running {
  child: ChildProcess
  url: string
  output: () => { stdout: string; stderr: string }
  exited: Promise<number | null>
}

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

async function startMain(args: string[]): Promise<Running> {
  // Only the flags given configure it, whatever the shell running the tests has set.
  const env = { ...process.env }
  for (const name of ['PORT', 'HOST', 'PARDOT_TARGET', 'PARDOT_MAX_CONCURRENCY']) delete env[name]
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/server/main.ts', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      const found = /local server on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
      if (found) resolve(found)
    })
    void exited.then((code) => reject(new Error(`npm start exited (${String(code)}): ${stderr}`)))
  })
  return { child, url, output: () => ({ stdout, stderr }), exited }
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })

const identify = (email: string) => ({ type: 'identify', traits: { email } })

async function upsertsArrived(url: string): Promise<number> {
  const stats = (await (await fetch(`${url}/sandbox/stats`)).json()) as { calls: Record<string, number> }
  return stats.calls[UPSERT] ?? 0
}

async function until(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('npm start', () => {
  it('lists every route, logs failures without secrets, keeps its concurrency, and drains on Ctrl-C', async () => {
    const main = await startMain(['--port', '0', '--max-concurrency', '2'])
    const { url } = main
    const banner = main.output().stdout
    for (const route of [
      '/manifest',
      '/authenticate',
      '/refreshAccessToken',
      '/prospects',
      '/externalActivity',
      '/deleteProspect',
      '/listMembership',
      '/<action>/<field>',
      '/sandbox/prospects',
      '/sandbox/list-memberships',
      '/sandbox/external-activities',
      '/sandbox/stats',
      '/sandbox/reset',
      '/sandbox/config',
      '/sandbox/expire-tokens'
    ]) {
      expect(banner).toContain(`${url}${route}`)
    }
    expect(banner).toContain('at most 2 requests in flight per business unit')

    await post(`${url}/sandbox/config`, { latencyMs: 50 })
    await post(`${url}/prospects`, { payload: [1, 2, 3, 4, 5, 6].map((i) => identify(`c${i}@example.com`)) })
    const stats = (await (await fetch(`${url}/sandbox/stats`)).json()) as Record<string, Record<string, number>>
    expect(stats.maxInFlightArrived[SANDBOX_DEFAULTS.businessUnitId]).toBe(2)

    const refused = await post(`${url}/prospects`, {
      payload: identify('ann@example.com'),
      auth: { accessToken: BAD_ACCESS, refreshToken: UNKNOWN_REFRESH, clientId: 'c', clientSecret: 'WRONG-SECRET-1' }
    })
    expect(refused.status).toBe(401)
    expect((await post(`${url}/prospects`, BAD_ACCESS)).status).toBe(400)

    // Ctrl-C while an event is being delivered: it still lands, then the server stops.
    await post(`${url}/sandbox/config`, { latencyMs: 800 })
    const before = await upsertsArrived(url)
    const slow = post(`${url}/prospects`, { payload: identify('drained@example.com') })
    await until(async () => (await upsertsArrived(url)) > before)
    main.child.kill('SIGINT')
    const answer = await slow
    expect(answer.status).toBe(200)
    expect(await main.exited).toBe(0)

    const { stdout, stderr } = main.output()
    expect(stderr).toMatch(/ POST \/prospects -> 401: Salesforce .* refused to refresh the access token/)
    expect(stderr).toMatch(/ POST \/prospects -> 400: The request body is not valid JSON/)
    for (const secret of [BAD_ACCESS, UNKNOWN_REFRESH, 'WRONG-SECRET-1', SANDBOX_DEFAULTS.accessToken]) {
      expect(stdout + stderr).not.toContain(secret.slice(0, 10))
    }
  }, 60_000)

  it('stops at once on a second Ctrl-C, without waiting for the drain', async () => {
    const main = await startMain(['--port', '0'])
    const { url } = main
    await post(`${url}/sandbox/config`, { latencyMs: 30_000 })
    const stuck = post(`${url}/prospects`, { payload: identify('stuck@example.com') }).then(
      (res) => res.status,
      () => 'cut off'
    )
    await until(async () => (await upsertsArrived(url)) > 0)
    main.child.kill('SIGINT')
    await new Promise((resolve) => setTimeout(resolve, 100))
    main.child.kill('SIGINT')
    expect(await main.exited).toBe(130)
    expect(await stuck).toBe('cut off')
  }, 60_000)

  it('prints its flags on --help, and refuses a bad number before it starts', async () => {
    const run = (args: string[]) => {
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/server/main.ts', ...args], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe']
      })
      children.push(child)
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
      return new Promise<[number | null, string]>((resolve) => child.once('close', (code) => resolve([code, out])))
    }
    const [helpCode, help] = await run(['--help'])
    expect(helpCode).toBe(0)
    for (const flag of ['--target', '--port', '--max-concurrency', '--api-key', '--allowed-hosts', '--max-body-mb']) {
      expect(help).toContain(flag)
    }
    expect(await run(['--port', '0', '--max-body-mb', '-1'])).toEqual([
      1,
      'Max body "-1" is not a number of megabytes from 0 to 1024 (from --max-body-mb).\n'
    ])
  }, 60_000)
})
