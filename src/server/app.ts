import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PardotSandbox, type SandboxOptions } from '../sandbox'
import { handleRequest, RequestsInFlight } from './answers'
import type { ServerConfig } from './config'
import type { FollowOptions, ImportFollower } from './import-follower'
import type { RetryPolicy } from './limiter'
import { hostForUrl } from './security'
import { SandboxThread } from './sandbox-thread'
import { createServerParts } from './server-parts'
import type { SlowPardotPolicy } from './watch'

export interface LocalServerOptions extends Partial<ServerConfig> {
  sandbox?: SandboxOptions
  /**
   * Runs the embedded sandbox on a thread of its own (`npm start` does): it then answers on its own time, as Pardot
   * does, not queued behind the server's work (docs/local-server.md). `LocalServer.sandbox` is then not set.
   */
  sandboxThread?: boolean
  /** Requests in flight to Pardot per business unit (Pardot allows 5). */
  maxConcurrency?: number
  retry?: Partial<RetryPolicy>
  /** Client credentials for refreshing tokens against real Salesforce (target `pardot`). */
  clientId?: string
  clientSecret?: string
  /** Where a line about each failed request goes (secrets redacted); nothing is logged without it. */
  log?: (line: string) => void
  /** How long a request Pardot is slow to answer keeps its slot (tests shorten it). */
  slowPardot?: Partial<SlowPardotPolicy>
  /** A client that has not taken its answer after this long of no progress is cut off. */
  writeTimeoutMs?: number
  /** How imports left pending by a batch are followed in the background (GET /imports). */
  importFollow?: Partial<FollowOptions>
}

export interface LocalServer {
  url: string
  server: Server
  /** The embedded sandbox, when the target is `sandbox` and it runs in this thread. */
  sandbox?: PardotSandbox
  /** Imports left pending by batches, followed in the background. */
  imports: ImportFollower
  /**
   * Stops taking connections. With `drainMs`, requests already being handled get that long to finish first;
   * then every connection is closed.
   */
  close(options?: { drainMs?: number }): Promise<void>
}

/**
 * The destination behind routes shaped like Segment's actions CLI `serve`, plus (by default) the
 * embedded Pardot sandbox (its routes on the same port; in this thread, or on its own with `sandboxThread`). The
 * target is operator configuration only.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const parts = await createServerParts(options)
  const handling = new RequestsInFlight()
  const server = createServer((req, res) => {
    handleRequest(parts, handling, req, res).catch(() => res.destroy())
  })
  const thread = parts.sandbox instanceof SandboxThread ? parts.sandbox : undefined
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  }).catch(async (error: unknown) => {
    // Not listening (the port is taken): the sandbox's thread goes too.
    await thread?.close()
    throw error
  })
  // Read once: the address is the same for every request.
  const port = (server.address() as AddressInfo).port
  const url = `http://${hostForUrl(options.host ?? '127.0.0.1')}:${port}`
  parts.gate.listening(port)
  // With the sandbox, the destination is aimed at it: this server's own address, or its thread's; each has its own.
  if (parts.sandbox) parts.definitions.aim(thread?.url ?? url)

  return {
    url,
    server,
    sandbox: parts.sandbox instanceof PardotSandbox ? parts.sandbox : undefined,
    imports: parts.follower,
    close: async ({ drainMs = 0 } = {}) => {
      parts.follower.close()
      await handling.stop(drainMs)
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
      await thread?.close()
    }
  }
}
