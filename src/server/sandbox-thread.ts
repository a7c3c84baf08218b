import { request, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { pipeline } from 'node:stream'
import { Worker } from 'node:worker_threads'
import { tooLarge } from './body'
import { refuse } from './gate'
import { sandboxOwns, type SandboxOptions } from '../sandbox'
import type { SandboxThreadData, SandboxThreadReady } from '../sandbox/thread'

/** What the server needs of its embedded sandbox, wherever it runs: which paths are its, and serving one. */
export interface EmbeddedSandbox {
  owns(pathname: string): boolean
  handle(req: IncomingMessage, res: ServerResponse, limits: { maxBodyBytes?: number }): Promise<void>
}

/** Hop-by-hop headers: each connection's own, never passed on. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer'
])

/**
 * The embedded sandbox on a thread of its own (`npm start`): it answers on its own event loop, as Pardot does on its
 * own machines, so its latency is not stretched by the server's work and the server's hops are not queued behind its
 * own. The destination's requests go straight to its port; what callers send the server's port for the sandbox
 * (`/sandbox/…`, the emulated API) passes the server's gate, then is passed on.
 */
export class SandboxThread implements EmbeddedSandbox {
  private constructor(
    private readonly worker: Worker,
    /** Where the thread listens (loopback, a port of its own). */
    readonly url: string,
    private readonly mark: { name: string; value: string }
  ) {}

  /** Why the thread no longer answers, once it stopped. */
  private stopped?: string

  /**
   * Starts the thread and waits until it listens. `mark`: the header (with the server's secret) it requires on every
   * request; the server's own requests carry it.
   */
  static async start(
    options: SandboxOptions,
    maxBodyBytes: number,
    mark: { name: string; value: string },
    log: (line: string) => void
  ): Promise<SandboxThread> {
    const worker = spawn({ options, maxBodyBytes, mark })
    const ready = await new Promise<SandboxThreadReady>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`The embedded sandbox's thread stopped (exit code ${code}).`)))
    })
    worker.removeAllListeners()
    // The thread must not keep a stopping process alive; the server's own handles do that while it runs.
    worker.unref()
    const thread = new SandboxThread(worker, ready.url, mark)
    worker.on('error', (error) => log(`The embedded sandbox's thread failed: ${error.message}`))
    // Deliveries then meet a refused connection and are reported retryable; callers of its routes get this.
    worker.once('exit', (code) => {
      if (thread.stopped) return // closed by the server
      thread.stopped = `The embedded sandbox's thread stopped (exit code ${code}); restart the server.`
      log(thread.stopped)
    })
    return thread
  }

  owns(pathname: string): boolean {
    return sandboxOwns(pathname)
  }

  /** Passes a caller's request (already through the server's gate) on to the thread, and its answer back. */
  handle(req: IncomingMessage, res: ServerResponse, { maxBodyBytes }: { maxBodyBytes?: number }): Promise<void> {
    if (this.stopped) return Promise.resolve(refuse(res, { status: 503, message: this.stopped }))
    const { pathname, search } = new URL(req.url ?? '/', 'http://local')
    const headers: Record<string, string | string[] | undefined> = { [this.mark.name]: this.mark.value }
    for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] ??= value
    const out = request(`${this.url}${pathname}${search}`, { method: req.method, headers })
    out.once('response', (answer) => {
      const passed = Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name))
      // The thread closes a connection whose body it stopped reading (413): the caller's must close too.
      if (answer.headers.connection === 'close') passed.push(['connection', 'close'])
      res.writeHead(answer.statusCode ?? 502, Object.fromEntries(passed))
      pipeline(answer, res, (error) => error && res.destroy())
    })
    out.on('error', () => {
      if (res.headersSent) return void res.destroy()
      refuse(res, { status: 502, message: 'The embedded sandbox did not answer.' })
    })
    passBody(req, out, maxBodyBytes, () => refuse(res, tooLarge(maxBodyBytes ?? 0)))
    return new Promise<void>((resolve) =>
      res.once('close', () => {
        // The caller left before its answer was out: the thread's work is not theirs any more.
        if (!res.writableFinished) out.destroy()
        resolve()
      })
    )
  }

  async close(): Promise<void> {
    this.stopped = 'The local server is stopping.'
    await this.worker.terminate()
  }
}

/**
 * The sandbox's requests are short-lived garbage: a young generation of 8 MB holds them. V8 would let each thread's
 * grow to 32 MB, which a large call fills in both (about 25 MB more at its peak, docs/benchmarks.md "Memory").
 */
const SANDBOX_YOUNG_MB = 8

/** The thread's entry, from the compiled file, or through ts-node when the server itself runs from source. */
function spawn(workerData: SandboxThreadData): Worker {
  const options = { workerData, resourceLimits: { maxYoungGenerationSizeMb: SANDBOX_YOUNG_MB } }
  const entry = require.resolve('../sandbox/thread')
  if (!entry.endsWith('.ts')) return new Worker(entry, options)
  const source = `require('ts-node/register/transpile-only'); require(${JSON.stringify(entry)})`
  return new Worker(source, { ...options, eval: true })
}

/**
 * The caller's body to the thread, stopped past the cap: a chunked body has no length for the gate to refuse up
 * front, and the thread's own 413 could come after the server had already failed writing to it.
 */
function passBody(req: IncomingMessage, out: ClientRequest, cap: number | undefined, over: () => void): void {
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (cap === undefined || size <= cap) {
      // Read no faster than the thread takes it.
      if (out.write(chunk)) return
      req.pause()
      out.once('drain', () => req.resume())
      return
    }
    req.removeAllListeners('data')
    req.pause()
    out.removeAllListeners('error')
    out.on('error', () => undefined)
    out.destroy()
    over()
  })
  req.once('end', () => out.end())
}
