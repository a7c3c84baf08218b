import { createRequestClient, type DestinationDefinition } from '@segment/actions-core'
import pardot, { createPardotDestination } from '../destinations/pardot'
import { bindHosts, type PardotEnvironments } from '../destinations/pardot/hosts'
import { PardotSandbox, sandboxOwns } from '../sandbox'
import type { LocalServerOptions } from './app'
import { CredentialSource, refreshInput } from './credentials'
import { destinationFor } from './engine'
import { createGate } from './gate'
import { DEFAULT_FOLLOW, ImportFollower } from './import-follower'
import { ConcurrencyLimiter, DEFAULT_RETRY, type RetryPolicy } from './limiter'
import { localHosts } from './local-hosts'
import { SandboxThread, type EmbeddedSandbox } from './sandbox-thread'
import { escapeControl, INTERNAL_HEADER } from './security'
import { TokenStore, withTokenStore } from './tokens'
import { AttemptWatch, DEFAULT_SLOW_PARDOT, watched, watchRequests, type SlowPardotPolicy } from './watch'

/** The pieces of one local server its routes share, built once per server. */
export interface ServerParts {
  options: LocalServerOptions
  /** The embedded sandbox (target `sandbox`): in this thread, or on one of its own (`sandboxThread`). */
  sandbox?: EmbeddedSandbox
  gate: ReturnType<typeof createGate>
  definitions: ServedDefinitions
  credentials: CredentialSource
  limiter: ConcurrencyLimiter
  retry: RetryPolicy
  slowPardot: SlowPardotPolicy
  follower: ImportFollower
  /** Runs work whose requests each take a slot of the settings' business unit (Test Connection, dropdowns). */
  limited<T>(settings: object, work: () => Promise<T>): Promise<T>
  /** Where a line about a failed request goes, control characters escaped. */
  log(line: string): void
}

export async function createServerParts(options: LocalServerOptions): Promise<ServerParts> {
  const target = options.target ?? 'sandbox'
  // Token refreshes go through one store per server: a refresh token it exchanged is never sent again, since with
  // rotation on Salesforce would revoke the whole token family (docs/pardot-api.md, "OAuth").
  const tokens = new TokenStore()
  const gate = createGate(
    { ...options, target, host: options.host ?? '127.0.0.1' },
    target === 'sandbox' ? { owns: sandboxOwns } : undefined
  )
  const log = (line: string) => options.log?.(escapeControl(line))
  const sandbox = target === 'sandbox' ? await embeddedSandbox(options, gate, log) : undefined
  const slowPardot = { ...DEFAULT_SLOW_PARDOT, ...options.slowPardot }
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const limiter = new ConcurrencyLimiter(options.maxConcurrency ?? 5)
  const definitions = new ServedDefinitions(tokens, slowPardot, gate.ownHeaders)
  return {
    options,
    sandbox,
    gate,
    definitions,
    credentials: new CredentialSource(options, tokens, sandbox !== undefined),
    limiter,
    retry,
    slowPardot,
    follower: createFollower(options, log, limiter, definitions, gate.ownHeaders),
    limited: (settings, work) => limitedWork(limiter, retry, slowPardot, settings, work),
    log
  }
}

/** The sandbox in this thread, or started on its own; the thread takes only requests carrying the server's mark. */
function embeddedSandbox(
  options: LocalServerOptions,
  gate: ReturnType<typeof createGate>,
  log: (line: string) => void
): Promise<EmbeddedSandbox> | EmbeddedSandbox {
  if (!options.sandboxThread) return new PardotSandbox(options.sandbox)
  const mark = { name: INTERNAL_HEADER, value: gate.internal }
  return SandboxThread.start(options.sandbox ?? {}, gate.maxBody, mark, log)
}

/**
 * The definitions this server delivers with: its requests watched (a slot each), its tokens refreshed through the
 * server's store. With the sandbox, aimed at it once the server's address is known (`aim`); each server has its own.
 */
export class ServedDefinitions {
  trusted!: DestinationDefinition<unknown>
  /** For callers not trusted with the newest tokens: a rotated-out refresh token is refused (see credentials.ts). */
  untrusted!: DestinationDefinition<unknown>
  /** With the sandbox, the hosts it answers on, once this server's address is known. */
  hosts?: PardotEnvironments

  constructor(
    private readonly tokens: TokenStore,
    private readonly slowPardot: SlowPardotPolicy,
    private readonly ownHeaders: Record<string, string>
  ) {
    this.use(pardot as DestinationDefinition<unknown>)
  }

  /** Aims every request at this server's own sandbox, at `url`. */
  aim(url: string): void {
    this.hosts = localHosts(url)
    this.use(createPardotDestination({ hosts: this.hosts }) as DestinationDefinition<unknown>)
  }

  for(trusted: boolean): DestinationDefinition<unknown> {
    return trusted ? this.trusted : this.untrusted
  }

  private use(base: DestinationDefinition<unknown>): void {
    const serve = (followRotation: boolean) =>
      watchRequests(withTokenStore(base, this.tokens, { followRotation }), this.slowPardot, this.ownHeaders)
    this.trusted = serve(true)
    this.untrusted = serve(false)
  }
}

/**
 * The follower's polls go where deliveries go, carry the server's own headers, and refresh through the token store
 * (a refresh of its own would send a refresh token the store may have exchanged already).
 */
function createFollower(
  options: LocalServerOptions,
  log: (line: string) => void,
  limiter: ConcurrencyLimiter,
  definitions: ServedDefinitions,
  ownHeaders: Record<string, string>
): ImportFollower {
  return new ImportFollower({ ...DEFAULT_FOLLOW, ...options.importFollow }, log, limiter, {
    request: (headers) => {
      const request = createRequestClient({ headers: { ...ownHeaders, ...headers } })
      return definitions.hosts ? bindHosts(request, definitions.hosts) : request
    },
    refresh: (settings, credentials) =>
      destinationFor(definitions.trusted).refreshAccessToken(settings, refreshInput(credentials))
  })
}

/**
 * Test Connection and dropdowns call Pardot too: each of their requests takes a slot of the business unit, as a
 * delivery's does, so they cannot make a sixth request beside five deliveries.
 */
function limitedWork<T>(
  limiter: ConcurrencyLimiter,
  retry: RetryPolicy,
  slowPardot: SlowPardotPolicy,
  settings: object,
  work: () => Promise<T>
): Promise<T> {
  const id = (settings as { businessUnitID?: unknown }).businessUnitID
  const businessUnit = typeof id === 'string' ? id.trim() : ''
  const deadline = Date.now() + retry.deadlineMs
  const watch = new AttemptWatch(() => undefined, { take: () => limiter.take(businessUnit, deadline) })
  return watched(watch, work).finally(() => watch.settle(slowPardot))
}
