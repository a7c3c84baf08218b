import { request, Server } from 'node:http'
import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { DeliveryReport } from '../deliver'
import { readConfig } from '../config'
import { checkStartup } from '../security'

/** Who may call the local server and what it takes: tried as a hostile web page or stranger would. */

const KEY = 'security-test-key-0123456789abcdef'
const UPSERT = 'POST /api/v5/objects/prospects/do/upsertLatestByEmail'
const TOKEN = 'POST /services/oauth2/token'
const event = { type: 'identify', traits: { email: 'ann@example.com' } }
const servers: LocalServer[] = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function start(options: Parameters<typeof startLocalServer>[0] = {}) {
  const local = await startLocalServer({ port: 0, ...options })
  servers.push(local)
  return local
}

/** A raw HTTP request, so headers fetch will not let a caller set (Host) are sent as given. */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

const upserts = (local: LocalServer) => local.sandbox?.stats().calls[UPSERT] ?? 0

describe('browser safety, with no key set', () => {
  it('refuses a text/plain body with 415, delivering nothing', async () => {
    const local = await start()
    const res = await fetch(`${local.url}/prospects`, { method: 'POST', body: JSON.stringify({ payload: event }) })
    expect(res.status).toBe(415)
    expect(await res.text()).toContain('content-type: application/json')
    expect(upserts(local)).toBe(0)
  })

  it('answers 421 to a foreign Host (DNS rebinding), and serves localhost and allowed names', async () => {
    // A public name in --allowed-hosts needs the key (a proxy brings strangers); the Host check comes first anyway.
    const local = await start({ allowedHosts: ['dev.example.test'], apiKey: KEY })
    const port = new URL(local.url).port
    const foreign = await raw(`${local.url}/manifest`, { headers: { host: `evil.example:${port}` } })
    expect(foreign.status).toBe(421)
    expect(foreign.text).toContain('evil.example')
    const authorization = `Bearer ${KEY}`
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `dev.example.test:${port}`]) {
      expect((await raw(`${local.url}/manifest`, { headers: { host, authorization } })).status).toBe(200)
    }
  })

  it('refuses a cross-origin Origin with 403 and sends no CORS headers', async () => {
    const local = await start()
    await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: event })
    })
    const reset = await fetch(`${local.url}/sandbox/reset`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' }
    })
    expect(reset.status).toBe(403)
    expect(local.sandbox?.prospects()).toHaveLength(1)
    const same = await fetch(`${local.url}/manifest`, { headers: { origin: local.url } })
    expect(same.status).toBe(200)
    const names: string[] = []
    same.headers.forEach((_, name) => names.push(name))
    expect(names.filter((name) => name.startsWith('access-control-'))).toEqual([])
    const preflight = await fetch(`${local.url}/prospects`, { method: 'OPTIONS', headers: { origin: local.url } })
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('forbids framing on every answer, the Event Tester page first', async () => {
    const local = await start()
    const answers = [
      await fetch(`${local.url}/`),
      await fetch(`${local.url}/tester/api.js`),
      await fetch(`${local.url}/manifest`),
      await fetch(`${local.url}/sandbox/stats`),
      await fetch(`${local.url}/nope`)
    ]
    for (const res of answers) {
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'")
    }
  })

  it('answers 413 to a body over the cap, declared or chunked, instead of resetting the connection', async () => {
    const local = await start({ maxBodyBytes: 1024 * 1024 })
    const body = JSON.stringify({ payload: { ...event, traits: { ...event.traits, first_name: 'x'.repeat(2e6) } } })
    const declared = await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body
    })
    expect(declared.status).toBe(413)
    expect(((await declared.json()) as DeliveryReport).error?.message).toContain('larger than this server takes (1 MB)')
    const chunked = await raw(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body
    })
    expect(chunked.status).toBe(413)
    expect(upserts(local)).toBe(0)
  })

  it.each(['/sandbox/config', '/pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail'])(
    'answers 413 to a chunked body over the cap on the sandbox route %s, not a reset',
    async (path) => {
      const local = await start({ maxBodyBytes: 1024 * 1024 })
      const res = await raw(local.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        body: JSON.stringify({ latencyMs: 0, note: 'x'.repeat(2e6) })
      })
      expect(res.status).toBe(413)
      expect(res.text).toContain('larger than this server takes (1 MB)')
      expect(upserts(local)).toBe(0)
    }
  )
})

describe('caller authentication', () => {
  // No test may bind anything but loopback: the wildcard cases never reach a real listen().
  it.each([
    [{ host: '0.0.0.0' }, 'the host 0.0.0.0 is not a loopback address'],
    [{ host: '::' }, 'the host :: is not a loopback address'],
    [{ target: 'pardot' as const }, 'the target is real Pardot']
  ])('refuses to start with %j and no key, saying why, before binding', async (options, why) => {
    const listen = jest.spyOn(Server.prototype, 'listen').mockImplementation(() => {
      throw new Error('listen() must not be reached')
    })
    try {
      await expect(startLocalServer({ port: 0, ...options })).rejects.toThrow(
        `Refusing to start without an API key: ${why}`
      )
      expect(listen).not.toHaveBeenCalled()
    } finally {
      listen.mockRestore()
    }
  })

  it('npm start’s configuration (flags and env) is refused on 0.0.0.0 without a key, and names the env var', () => {
    const config = readConfig({ PARDOT_SERVER_API_KEY: '' }, ['--host', '0.0.0.0', '--port', '0'])
    expect(() => checkStartup(config)).toThrow(
      'Refusing to start without an API key: the host 0.0.0.0 is not a loopback address'
    )
    expect(() => checkStartup(config)).toThrow('Set PARDOT_SERVER_API_KEY')
    expect(() => checkStartup({ ...config, apiKey: KEY })).not.toThrow()
  })

  it('answers 401 without the key on every route but the Event Tester page, and never refreshes for a stranger', async () => {
    const local = await start({
      apiKey: KEY,
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret
    })
    const stranger = { payload: event, auth: { accessToken: 'expired', refreshToken: SANDBOX_DEFAULTS.refreshToken } }
    const json = { 'content-type': 'application/json' }
    const refused = await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(stranger)
    })
    expect(refused.status).toBe(401)
    const wrongKey = { ...json, authorization: 'Bearer not-the-key' }
    expect((await fetch(`${local.url}/manifest`, { headers: wrongKey })).status).toBe(401)
    for (const path of ['/manifest', '/sandbox/prospects', '/sandbox/stats']) {
      expect((await fetch(local.url + path)).status).toBe(401)
    }
    expect((await fetch(`${local.url}/sandbox/reset`, { method: 'POST' })).status).toBe(401)
    expect(local.sandbox?.stats().calls[TOKEN] ?? 0).toBe(0)
    expect(upserts(local)).toBe(0)
    expect((await fetch(`${local.url}/`)).status).toBe(200)
    expect((await fetch(`${local.url}/tester/api.js`)).status).toBe(200)

    const withKey = { ...json, authorization: `Bearer ${KEY}` }
    const sent = await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: withKey,
      body: JSON.stringify(stranger)
    })
    const report = (await sent.json()) as DeliveryReport
    expect(report).toMatchObject({ ok: true, tokenRefreshed: true })
  })

  it('serves a key holder the operator’s client id and secret on /refreshAccessToken and /authenticate too', async () => {
    const local = await start({
      apiKey: KEY,
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret
    })
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }
    const post = async (path: string, body: unknown) =>
      (await (await fetch(local.url + path, { method: 'POST', headers, body: JSON.stringify(body) })).json()) as {
        ok: boolean
        error?: unknown
      }
    // No clientId/clientSecret in the body: before the fix their `undefined` wiped the operator's (invalid_client).
    const refreshed = await post('/refreshAccessToken', { refreshToken: SANDBOX_DEFAULTS.refreshToken })
    expect(refreshed).toMatchObject({
      ok: true,
      data: { accessToken: expect.stringMatching(/^sandbox-at-/) as string }
    })
    const nulls = { refreshToken: SANDBOX_DEFAULTS.refreshToken, clientId: null, clientSecret: null }
    expect(await post('/refreshAccessToken', nulls)).toMatchObject({ ok: true })
    const oauth = { access_token: 'expired', refresh_token: SANDBOX_DEFAULTS.refreshToken }
    expect(await post('/authenticate', { businessUnitID: SANDBOX_DEFAULTS.businessUnitId, oauth })).toEqual({
      ok: true
    })
  })

  it('without a key (loopback, sandbox), refreshes a caller’s token with the caller’s secret only, never the operator’s', async () => {
    const local = await start({ clientId: SANDBOX_DEFAULTS.clientId, clientSecret: SANDBOX_DEFAULTS.clientSecret })
    const res = await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        payload: event,
        auth: { accessToken: 'expired', refreshToken: SANDBOX_DEFAULTS.refreshToken }
      })
    })
    const report = (await res.json()) as DeliveryReport
    expect(report.ok).toBe(false)
    expect(report.tokenRefreshed).toBe(false)
    expect(upserts(local)).toBe(1)
    expect(local.sandbox?.prospects()).toEqual([])
  })
})
