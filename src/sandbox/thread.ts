import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import { send } from '../http/reply'
import { sameSecret } from '../http/secret'
import { PardotSandbox, type SandboxOptions } from '.'

/**
 * The sandbox on a thread of its own, listening on a loopback port of its own: Pardot's stand-in then answers on
 * its own time, as the real one does, instead of waiting behind the work of the process that embeds it.
 */
export interface SandboxThreadData {
  options: SandboxOptions
  /** The largest request body taken, in bytes. */
  maxBodyBytes: number
  /**
   * A header every request must carry (a secret the embedding process makes): the port is reachable by anything on
   * the machine, and only the process that started the thread may use it.
   */
  mark: { name: string; value: string }
}

/** What the thread posts once it listens. */
export interface SandboxThreadReady {
  url: string
}

function serve({ options, maxBodyBytes, mark }: SandboxThreadData): void {
  const sandbox = new PardotSandbox(options)
  const server = createServer((req, res) => {
    const given = req.headers[mark.name]
    if (typeof given !== 'string' || !sameSecret(given, mark.value)) {
      res.setHeader('connection', 'close')
      return send(res, {
        status: 403,
        body: { message: 'Only the local server that started this sandbox may call it.' }
      })
    }
    sandbox.handle(req, res, { maxBodyBytes }).catch(() => res.destroy())
  })
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo
    parentPort?.postMessage({ url: `http://127.0.0.1:${port}` } satisfies SandboxThreadReady)
  })
}

if (!isMainThread && parentPort) serve(workerData as SandboxThreadData)
