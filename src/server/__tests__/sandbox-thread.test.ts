import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startLocalServer, type LocalServer } from '../app'
import { SandboxThread } from '../sandbox-thread'
import { SANDBOX_DEFAULTS } from '../../sandbox'
import type { DeliveryReport } from '../deliver'

/**
 * The embedded sandbox on a thread of its own, as `npm start` runs it: deliveries reach it on its own port, callers
 * still reach its routes on the server's, and nobody else can use its port.
 */

let local: LocalServer | undefined
afterEach(async () => {
  await local?.close()
  local = undefined
})

const json = { 'content-type': 'application/json' }

async function identify(server: LocalServer, email: string): Promise<DeliveryReport> {
  const body = JSON.stringify({ payload: { type: 'identify', traits: { email } }, useDefaultMappings: true })
  return (await (
    await fetch(`${server.url}/prospects`, { method: 'POST', headers: json, body })
  ).json()) as DeliveryReport
}

/** Where the thread listens: the origin of the request the delivery made. */
const threadOrigin = (report: DeliveryReport) => new URL(report.requests[0].request.url).origin

describe('the sandbox on its own thread', () => {
  it('takes the deliveries on its own port and answers its routes on the server’s', async () => {
    local = await startLocalServer({ port: 0, sandboxThread: true })
    const report = await identify(local, 'ann@example.com')
    expect(report.ok).toBe(true)
    expect(threadOrigin(report)).not.toBe(local.url)
    expect(local.sandbox).toBeUndefined()

    const listed = (await (await fetch(`${local.url}/sandbox/prospects`)).json()) as { email: string }[]
    expect(listed.map((p) => p.email)).toEqual(['ann@example.com'])
    const configured = await fetch(`${local.url}/sandbox/config`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ latencyMs: 1 })
    })
    expect(configured.status).toBe(204)
  }, 20_000)

  it('passes a caller’s call to the emulated API on, with its body and Pardot’s answer', async () => {
    local = await startLocalServer({ port: 0, sandboxThread: true })
    const res = await fetch(`${local.url}/pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail`, {
      method: 'POST',
      headers: {
        ...json,
        authorization: `Bearer ${SANDBOX_DEFAULTS.accessToken}`,
        'pardot-business-unit-id': SANDBOX_DEFAULTS.businessUnitId
      },
      body: JSON.stringify({ matchEmail: 'bo@example.com', prospect: { email: 'bo@example.com', firstName: 'Bo' } })
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: 1000, email: 'bo@example.com' })
    const stored = (await (await fetch(`${local.url}/sandbox/prospects`)).json()) as object[]
    expect(stored).toEqual([expect.objectContaining({ email: 'bo@example.com', firstName: 'Bo' })])

    const wrongToken = await fetch(`${local.url}/pi.pardot.com/api/v5/objects/prospects?fields=id`, {
      headers: { authorization: 'Bearer nope', 'pardot-business-unit-id': SANDBOX_DEFAULTS.businessUnitId }
    })
    expect(wrongToken.status).toBe(401)
    expect(((await wrongToken.json()) as { code: number }).code).toBe(184)
  }, 20_000)

  it('refuses on its port whatever does not carry the server’s mark, and stops with the server', async () => {
    local = await startLocalServer({ port: 0, sandboxThread: true })
    const origin = threadOrigin(await identify(local, 'cy@example.com'))
    for (const headers of [{}, { 'x-local-server-internal': 'guess' }] as Record<string, string>[]) {
      const res = await fetch(`${origin}/sandbox/prospects`, { headers })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual({ message: 'Only the local server that started this sandbox may call it.' })
    }
    await local.close()
    local = undefined
    await expect(fetch(`${origin}/sandbox/prospects`)).rejects.toThrow()
  }, 20_000)
})

describe('the server’s port, passing calls on to the thread', () => {
  let thread: SandboxThread | undefined
  let front: Server | undefined
  afterEach(async () => {
    await new Promise((resolve) => (front ? front.close(resolve) : resolve(undefined)))
    await thread?.close()
    front = thread = undefined
  })

  const logged: string[] = []

  /** The thread behind a bare server that passes every request on, with a 100-byte body cap. */
  async function passing(): Promise<string> {
    const started = await SandboxThread.start({}, 100, { name: 'x-mark', value: 'secret' }, (l) => logged.push(l))
    thread = started
    front = createServer((req, res) => void started.handle(req, res, { maxBodyBytes: 100 }))
    await new Promise<void>((resolve) => front?.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(front.address() as AddressInfo).port}`
  }

  it('answers 413 and closes the connection for a chunked body past the cap, none of it passed on', async () => {
    const url = await passing()
    const chunks = [Buffer.from('{"latencyMs":'), Buffer.from(' '.repeat(200)), Buffer.from('1}')]
    const body = new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(chunks.shift()) : c.close()) })
    const res = await fetch(`${url}/sandbox/config`, {
      method: 'POST',
      headers: json,
      body,
      duplex: 'half'
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(res.headers.get('connection')).toBe('close')
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('larger than this server')
  })

  it('answers 503 with the reason once the thread is stopped', async () => {
    const url = await passing()
    await thread?.close()
    const res = await fetch(`${url}/sandbox/stats`)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ ok: false, error: { status: 503, message: 'The local server is stopping.' } })
  })

  it('answers 503 and logs once the thread stopped on its own, saying to restart the server', async () => {
    const url = await passing()
    // As a crash would: the thread ends without the server closing it.
    const worker = (thread as unknown as { worker: { terminate(): Promise<number> } }).worker
    await worker.terminate()
    const message = "The embedded sandbox's thread stopped (exit code 1); restart the server."
    expect(logged).toEqual([message])
    const res = await fetch(`${url}/sandbox/stats`)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ ok: false, error: { status: 503, message } })
  })
})
