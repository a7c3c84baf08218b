import { connect, type Socket } from 'node:net'
import { startLocalServer, type LocalServer } from '../app'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import { DEFAULT_MAX_BODY_MB } from '../config'
import type { DeliveryReport } from '../deliver'
import { postJson } from './post-json'

/** Every input refused cleanly, and what a caller's answer and the operator's log may hold. */

const UPSERT = 'POST /api/v5/objects/prospects/do/upsertLatestByEmail'
const event = (email = 'ann@example.com') => ({ type: 'identify', traits: { email } })
const logged: string[] = []
const servers: LocalServer[] = []

afterEach(async () => {
  logged.length = 0
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function start(options: Parameters<typeof startLocalServer>[0] = {}) {
  const local = await startLocalServer({ port: 0, log: (line) => logged.push(line), ...options })
  servers.push(local)
  return local
}

const post = (local: LocalServer, path: string, body: unknown) => postJson(local.url + path, body)

const upserts = (local: LocalServer) => local.sandbox?.stats().calls[UPSERT] ?? 0
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('unknown routes', () => {
  it.each(['/constructor', '/toString', '/__proto__', '/hasOwnProperty', '/prospects/constructor', '/prospects/nope'])(
    'answers 404 to POST %s',
    async (path) => {
      const local = await start()
      const answer = await post(local, path, { payload: event() })
      expect(answer.status).toBe(404)
      expect(answer.body.ok).toBe(false)
    }
  )
})

describe('paths no route takes', () => {
  // Routes match the whole path (src/http/router.ts): a segment past an action's or a dropdown's names nothing, and
  // a percent-escape, malformed or not, names no action. Nothing is sent to Pardot for any of them.
  it.each([
    ['/authenticate/x', 'No action "authenticate".'],
    ['/listMembership/listId/x', 'No dropdown "listId/x" on /listMembership.'],
    ['/%zz', 'No action "%zz".'],
    // Names are taken as they come, never decoded: an escape spells no action or dropdown.
    ['/prospect%73', 'No action "prospect%73".'],
    ['/listMembership/list%49d', 'No dropdown "list%49d" on /listMembership.'],
    ['/refreshAccessToken/x', 'No action "refreshAccessToken".']
  ])('answers 404 to POST %s', async (path, message) => {
    const local = await start()
    const answer = await post(local, path, { payload: event() })
    expect(answer.status).toBe(404)
    expect((answer.body.error as { message?: string } | undefined)?.message).toContain(message)
    expect(local.sandbox?.stats().totalApiCalls).toBe(0)
  })
})

describe('too deep', () => {
  it('refuses a 5,000-level mapping with a 400 naming the limit, no stack trace, nothing sent or retried', async () => {
    const local = await start()
    // Written out, since JSON.stringify itself cannot go that deep.
    const deep = `${'{"a":'.repeat(5000)}"x"${'}'.repeat(5000)}`
    const res = await fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"payload": ${JSON.stringify(event())}, "mapping": {"first_name": ${deep}}}`
    })
    const answer = { status: res.status, text: await res.text() }
    expect(answer.status).toBe(400)
    expect((JSON.parse(answer.text) as DeliveryReport).error?.message).toBe(
      'The request body is nested more than 100 levels deep; no event or mapping needs that many.'
    )
    expect(answer.text).not.toMatch(/node_modules|\bat .+:\d+:\d+/)
    expect(upserts(local)).toBe(0)
  })
})

describe('IPv6', () => {
  it('binds to ::1 and delivers through its own sandbox there', async () => {
    const local = await start({ host: '::1' })
    expect(local.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
    const answer = await post(local, '/prospects', { payload: event() })
    expect(answer.body).toMatchObject({ ok: true, status: 200 })
    expect(local.sandbox?.prospects().map((p) => p.email)).toEqual(['ann@example.com'])
  })
})

describe('redaction in answers', () => {
  it('survives a caller token of "true" and still reports the delivery', async () => {
    const local = await start()
    const auth = {
      accessToken: 'true',
      refreshToken: SANDBOX_DEFAULTS.refreshToken,
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret
    }
    const answer = await post(local, '/prospects', { payload: event(), auth })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ ok: true, tokenRefreshed: true })
  })

  it('hides a payload value equal to a secret everywhere in the answer', async () => {
    const local = await start()
    const secret = 'S3cret-refresh+/= token'
    const auth = { accessToken: SANDBOX_DEFAULTS.accessToken, refreshToken: secret }
    const answer = await post(local, '/prospects', {
      payload: { ...event(), traits: { email: 'ann@example.com', first_name: secret } },
      auth
    })
    expect(answer.body.ok).toBe(true)
    expect(answer.text).not.toContain(secret)
    expect(answer.body.payload).toMatchObject({ firstName: '[redacted]' })
  })

  it('hides every encoded form of a secret, in the mapped payload and in the request shown', async () => {
    const local = await start()
    // ! ' ( ) ~ are left alone by encodeURIComponent but escaped in the form body URLSearchParams writes.
    const secret = "S3cret!refresh+/= (token)~'"
    const forms = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      new URLSearchParams({ x: secret }).toString().slice(2)
    ]
    // The engine's token refresh is not among the requests shown, so the encoded forms travel in the event itself:
    // mapped, sent to the sandbox and echoed back, each must come back hidden.
    const traits = { email: 'ann@example.com', first_name: forms.join(' | ') }
    const auth = { accessToken: SANDBOX_DEFAULTS.accessToken, refreshToken: secret }
    const answer = await post(local, '/prospects', { payload: { ...event(), traits }, auth })
    expect(answer.body.ok).toBe(true)
    for (const form of forms) expect(answer.text).not.toContain(form)
    const hidden = Array(forms.length).fill('[redacted]').join(' | ')
    expect(answer.body.payload).toMatchObject({ firstName: hidden })
    expect(answer.body.requests[0].request.body).toMatchObject({ prospect: { firstName: hidden } })
  })
})

describe('bounded answers', () => {
  it('echoes a preview of a large field, not the field', async () => {
    const local = await start()
    const big = 'x'.repeat(1_000_000)
    const answer = await post(local, '/prospects', {
      payload: { ...event(), traits: { ...event().traits, title: big } }
    })
    expect(answer.text.length).toBeLessThan(100_000)
    expect(answer.text).toContain('[990000 more characters not shown]')
  })
})

describe('the log', () => {
  it('escapes control characters, so caller data cannot forge a line', async () => {
    const local = await start()
    await post(local, '/prospects', { payload: event('ann@example.com\n2026-01-01T00:00:00Z POST /x -> 200: forged') })
    expect(logged.length).toBeGreaterThan(0)
    for (const line of logged) expect(line).not.toMatch(/\p{Cc}/u)
    expect(logged.join('')).toContain('\\n2026-01-01')
  })
})

describe('a client that leaves', () => {
  it('cancels its queued events (those sent are not undone) and is logged as such, not as a 500', async () => {
    const local = await start({ sandbox: { latencyMs: 300 } })
    const payload = Array.from({ length: 50 }, (_, i) => event(`gone${i}@example.com`))
    const leaving = new AbortController()
    const sent = fetch(`${local.url}/prospects`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload }),
      signal: leaving.signal
    }).catch(() => undefined)
    await sleep(450)
    leaving.abort()
    await sent
    await sleep(3500)
    // Five in flight when it left, and at most five more admitted in the same instant: never the fifty.
    expect(upserts(local)).toBeLessThanOrEqual(10)
    expect(logged.join('\n')).toContain('POST /prospects: the client closed the connection before its answer')
    expect(logged.join('\n')).not.toContain('-> 500')
  })
})

describe('a client that leaves a route with no events', () => {
  it('is logged as gone, without a word about events', async () => {
    const local = await start()
    const { port } = new URL(local.url)
    // Half a body, then gone: the server is still reading it when the client leaves.
    const socket = connect(Number(port), '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(
      `POST /authenticate HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
        'content-length: 100\r\n\r\n{"businessUnitID":'
    )
    await sleep(100)
    socket.destroy()
    await sleep(200)
    const line = logged.find((l) => l.startsWith('POST /authenticate: the client closed the connection'))
    expect(line).toBe('POST /authenticate: the client closed the connection before its answer')
  })
})

describe('a client that does not read its answer', () => {
  it('is cut off after the write timeout instead of holding the answer', async () => {
    const local = await start({ writeTimeoutMs: 300 })
    // A prospect large enough that its listing (20 MB) cannot sit in the sockets' buffers: in a text area, since the
    // sandbox holds other text fields to 255 characters.
    const stored = await post(local, '/prospects', {
      payload: { ...event(), traits: { ...event().traits, notes: 'x'.repeat(20e6) } },
      mapping: { customFields: { comments: { '@path': '$.traits.notes' } } },
      useDefaultMappings: true
    })
    expect(stored.status).toBe(200)
    const port = Number(new URL(local.url).port)
    const { connect } = await import('node:net')
    const serverSide = new Promise<Socket>((resolve) => local.server.once('connection', resolve))
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET /sandbox/prospects HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    })
    socket.on('error', () => undefined)
    socket.pause()
    await sleep(2000)
    const cut = (await serverSide).destroyed
    socket.destroy()
    expect(cut).toBe(true)
  }, 20_000)
})

describe('/sandbox/config', () => {
  const config = (local: LocalServer, body: string) =>
    fetch(`${local.url}/sandbox/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })

  it('takes an empty body as no change and valid values as given', async () => {
    const local = await start()
    expect((await fetch(`${local.url}/sandbox/config`, { method: 'POST' })).status).toBe(204)
    expect((await config(local, '{"maxConcurrent": 3, "faults": {"rate66": 0.5}}')).status).toBe(204)
    expect(local.sandbox?.state.options).toMatchObject({ maxConcurrent: 3, faults: { rate66: 0.5 } })
  })

  it.each([
    ['{"maxConcurrent": "abc"}', 'maxConcurrent'],
    ['{"maxConcurrent": 0}', 'maxConcurrent'],
    ['{"dailyQuota": -1}', 'dailyQuota'],
    ['{"latencyMs": 1e9}', 'latencyMs'],
    ['{"faults": {"rate66": 2}}', 'faults.rate66'],
    ['{"faults": []}', 'faults'],
    ['{"apiHost": "http://evil.example"}', 'apiHost'],
    ['[]', 'body']
  ])('refuses %s with 400 naming %s, changing nothing', async (body, field) => {
    const local = await start()
    const res = await config(local, body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { field: string }).field).toBe(field)
    expect(local.sandbox?.state.options.maxConcurrent).toBe(5)
  })
})

describe('the default body cap', () => {
  it('fits a 100,000-event batch of typical identify events (as a server-side Segment library sends them)', () => {
    const identify = (i: number) => ({
      type: 'identify',
      userId: `user-${100000 + i}`,
      anonymousId: `5f0e3c1a-8d7b-4f2e-9a61-0c4b7e2d${String(i).padStart(4, '0')}`,
      messageId: `api-2f8a1c3e-7b4d-4e9f-a6c2-${String(i).padStart(12, '0')}`,
      timestamp: '2026-11-30T01:00:00.000Z',
      context: { library: { name: 'analytics-node', version: '2.1.2' } },
      traits: {
        email: `ann.lee${i}@example.com`,
        first_name: 'Ann',
        last_name: 'Lee',
        title: 'CTO',
        company: 'Acme Corp',
        phone: '+1 415 555 0100'
      }
    })
    const body = JSON.stringify({
      payload: Array.from({ length: 100_000 }, (_, i) => identify(i)),
      mapping: { enable_batching: true, batch_size: 10_000 },
      useDefaultMappings: true
    })
    // About 40 MB against the 50 MiB (52.4 MB) cap.
    expect(Buffer.byteLength(body)).toBeLessThan(DEFAULT_MAX_BODY_MB * 1024 * 1024 * 0.8)
  })
})
