import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PardotSandbox, SANDBOX_DEFAULTS, type SandboxOptions } from '..'

export interface Call {
  method?: string
  body?: unknown
  /** The access token sent; null sends no Authorization header. */
  token?: string | null
  /** The business unit header sent; null sends none. */
  bu?: string | null
}

export interface Answer {
  status: number
  body: Record<string, unknown>
}

/** A real sandbox on a free loopback port, called the way the destination calls Pardot. */
export class SandboxUnderTest {
  private constructor(
    readonly sandbox: PardotSandbox,
    readonly base: string,
    private readonly server: Server
  ) {}

  static async start(options: SandboxOptions = {}): Promise<SandboxUnderTest> {
    const sandbox = new PardotSandbox(options)
    const server = createServer((req, res) => void sandbox.handle(req, res))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return new SandboxUnderTest(sandbox, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server)
  }

  async call(
    path: string,
    { method = 'GET', body, token = SANDBOX_DEFAULTS.accessToken, bu = SANDBOX_DEFAULTS.businessUnitId }: Call = {}
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (token !== null) headers.authorization = `Bearer ${token}`
    if (bu !== null) headers['pardot-business-unit-id'] = bu
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

/** Gives each test of the calling file a fresh sandbox; the returned function is the running test's. */
export function sandboxPerTest(options: SandboxOptions = {}): () => SandboxUnderTest {
  let running: SandboxUnderTest | undefined
  beforeEach(async () => {
    running = await SandboxUnderTest.start(options)
  })
  afterEach(async () => {
    await running?.close()
    running = undefined
  })
  return () => {
    if (!running) throw new Error('The sandbox runs only inside a test.')
    return running
  }
}
