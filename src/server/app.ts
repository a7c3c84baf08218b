import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { createRequestClient } from '@segment/actions-core'
import { destinationFor } from './engine'
import pardot, { createPardotDestination } from '../destinations/pardot'
import { bindHosts, type PardotEnvironments } from '../destinations/pardot/hosts'
import { PardotSandbox, SANDBOX_DEFAULTS, type SandboxOptions } from '../sandbox'
import { send, type Reply } from '../sandbox/http'
import { ClientGone, parseJsonObject, readCappedBody, RequestError } from './body'
import { describeFailure, errorReply, isObject } from './replies'
import type { ServerConfig } from './config'
import { deliver, failure, type Credentials } from './deliver'
import { redactDeep } from './exchanges'
import { DEFAULT_FOLLOW, ImportFollower, type FollowOptions } from './import-follower'
import { ConcurrencyLimiter, DEFAULT_RETRY, type RetryPolicy } from './limiter'
import { TokenStore, withTokenStore } from './tokens'
import { preview } from './preview'
import { createGate, denyFraming, limitWrites, refuse } from './gate'
import { escapeControl, hostForUrl } from './security'
import { localHosts } from './local-hosts'
import { testerAsset } from './tester/assets'
import { AttemptWatch, DEFAULT_SLOW_PARDOT, watched, watchRequests, type SlowPardotPolicy } from './watch'

export interface LocalServerOptions extends Partial<ServerConfig> {
  sandbox?: SandboxOptions
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
  /** The embedded sandbox, when the target is `sandbox`. */
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
 * embedded Pardot sandbox on the same port. The target is operator configuration only.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const target = options.target ?? 'sandbox'
  // Token refreshes go through one store per server: a refresh token it exchanged is never sent again, since with
  // rotation on Salesforce would revoke the whole token family (docs/pardot-api.md, "OAuth").
  const tokens = new TokenStore()
  const sandbox = target === 'sandbox' ? new PardotSandbox(options.sandbox) : undefined
  const gate = createGate({ ...options, target, host: options.host ?? '127.0.0.1' }, sandbox)
  const slowPardot = { ...DEFAULT_SLOW_PARDOT, ...options.slowPardot }
  const serve = (base: DestinationDefinition<unknown>, followRotation: boolean) =>
    watchRequests(withTokenStore(base, tokens, { followRotation }), slowPardot, gate.ownHeaders)
  // With the sandbox, aimed at it once this server's address is known (below); each server has its own.
  let definition = serve(pardot as DestinationDefinition<unknown>, true)
  // For callers not trusted with the newest tokens: a rotated-out refresh token is refused (see `credentialsFor`).
  let untrustedDefinition = serve(pardot as DestinationDefinition<unknown>, false)
  const limiter = new ConcurrencyLimiter(options.maxConcurrency ?? 5)
  // Test Connection and dropdowns call Pardot too: each of their requests takes a slot of the business unit, as a
  // delivery's does, so they cannot make a sixth request beside five deliveries.
  const limited = <T>(settings: object, work: () => Promise<T>): Promise<T> => {
    const id = (settings as { businessUnitID?: unknown }).businessUnitID
    const businessUnit = typeof id === 'string' ? id.trim() : ''
    const deadline = Date.now() + { ...DEFAULT_RETRY, ...options.retry }.deadlineMs
    const watch = new AttemptWatch(() => undefined, { take: () => limiter.take(businessUnit, deadline) })
    return watched(watch, work).finally(() => watch.settle(slowPardot))
  }
  const log = (line: string) => options.log?.(escapeControl(line))
  // With the sandbox, the hosts it answers on, once this server's address is known (below).
  let aimedHosts: PardotEnvironments | undefined
  // The follower's polls go where deliveries go, carry the server's own headers, and refresh through the token
  // store (a refresh of its own would send a refresh token the store may have exchanged already).
  const follower = new ImportFollower({ ...DEFAULT_FOLLOW, ...options.importFollow }, log, limiter, {
    request: (headers) => {
      const request = createRequestClient({ headers: { ...gate.ownHeaders, ...headers } })
      return aimedHosts ? bindHosts(request, aimedHosts) : request
    },
    refresh: (settings, credentials) =>
      destinationFor(definition).refreshAccessToken(settings, {
        accessToken: credentials.accessToken ?? '',
        refreshToken: credentials.refreshToken ?? '',
        clientId: credentials.clientId ?? '',
        clientSecret: credentials.clientSecret ?? ''
      })
  })
  // The engine refreshes the sandbox token when it expires; the next call picks up the new one.
  const sandboxCredentials: Credentials = {
    accessToken: SANDBOX_DEFAULTS.accessToken,
    refreshToken: SANDBOX_DEFAULTS.refreshToken,
    clientId: SANDBOX_DEFAULTS.clientId,
    clientSecret: SANDBOX_DEFAULTS.clientSecret
  }

  // Without `auth`, every call shares the sandbox's credentials, so a refreshed token serves the next call too.
  // Each request's secrets are noted in `seen`, so whatever goes wrong later, its answer and log line can hide them.
  // `trusted`: whether the caller may be served the newest tokens of its family, kept by this server. Only a caller
  // that holds the server's key or sent the client secret itself, and only to deliver (never on /refreshAccessToken, which would hand them
  // out): otherwise whoever holds an old refresh token, leaked or rotated out, would get working tokens, which is
  // what Salesforce's reuse detection exists to prevent (docs/pardot-api.md, "OAuth").
  const credentialsFor = (
    auth: unknown,
    seen: Secrets,
    use: 'deliver' | 'refresh' = 'deliver'
  ): { credentials: Credentials; trusted: boolean } => {
    if (auth !== undefined) {
      if (!isObject(auth)) throw new RequestError(400, '"auth" must be an object: {accessToken, refreshToken}.')
      // The operator's client id and secret serve only callers who proved themselves with the key: without a key
      // (loopback and the sandbox only), a caller's own refresh token is refreshed with the caller's own secret.
      const operator = options.apiKey ? { clientId: options.clientId, clientSecret: options.clientSecret } : {}
      // A key the caller left out is absent, not `undefined`: spread, `{clientSecret: undefined}` would wipe the
      // operator's secret, and a key holder's refresh would be refused as invalid_client.
      const given = { ...operator, ...defined(auth) }
      // A caller that holds the key (every caller, once one is set) or sent the client secret itself is the
      // connection's owner, not merely a holder of one of its tokens.
      const ownSecret = typeof auth.clientSecret === 'string' && auth.clientSecret !== ''
      const trusted = use === 'deliver' && (ownSecret || Boolean(options.apiKey))
      const credentials = trusted ? tokens.latest(given) : given
      seen.push(...secretsOf(given), ...secretsOf(credentials))
      return { credentials, trusted }
    }
    if (!sandbox) {
      throw new RequestError(400, 'The target is real Pardot: send "auth" with accessToken and refreshToken.')
    }
    return { credentials: sandboxCredentials, trusted: true }
  }

  const settingsFor = (settings: unknown): JSONObject => {
    if (settings === undefined) {
      if (!sandbox) throw new RequestError(400, 'The target is real Pardot: send "settings" with businessUnitID.')
      return { businessUnitID: SANDBOX_DEFAULTS.businessUnitId }
    }
    if (!isObject(settings))
      throw new RequestError(400, '"settings" must be an object, e.g. {"businessUnitID": "0Uv…"}.')
    // Subscriptions and tokens come from this server, never from a caller's settings.
    const { subscription, subscriptions, oauth, ...rest } = settings
    // A toggle picks the hosts; text such as "false" or a URL would quietly pick the sandbox ones.
    for (const toggle of ['isSandbox', 'isDeveloperOrg']) {
      if (rest[toggle] !== undefined && typeof rest[toggle] !== 'boolean')
        throw new RequestError(400, `"settings.${toggle}" must be true or false.`)
    }
    // The destination refuses it too (not 18 letters and digits); here the caller hears what is really wrong.
    const id = rest.businessUnitID
    if (typeof id === 'string' && /\p{Cc}/u.test(id.trim())) {
      throw new RequestError(
        400,
        `"settings.businessUnitID" ${JSON.stringify(id)} holds a line break or another control character; send the 18-character ID alone.`
      )
    }
    return rest as JSONObject
  }

  const routes = async (req: IncomingMessage, seen: Secrets, signal: AbortSignal): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://local')
    const path = url.pathname.replace(/\/+$/, '') || '/'
    const method = req.method ?? 'GET'
    if (method === 'GET' && path === '/manifest') return { status: 200, body: definition }
    if (method === 'GET' && path === '/imports') return { status: 200, body: follower.list() }
    if (method !== 'POST') throw new RequestError(404, `No route ${method} ${path}.`)
    const body = parseJsonObject(await readCappedBody(req, gate.maxBody))
    const [, first, second] = path.split('/')

    if (first === 'authenticate') {
      const { oauth, ...flat } = body
      const { credentials } = credentialsFor(isObject(oauth) ? fromOAuth(oauth) : undefined, seen)
      const settings = { ...settingsFor(Object.keys(flat).length ? flat : undefined), oauth: toOAuth(credentials) }
      try {
        await limited(settings, () => destinationFor(definition).testAuthentication(settings))
        return { status: 200, body: { ok: true } }
      } catch (error) {
        return { status: 200, body: { ok: false, error: failure(error, [...seen, ...secretsOf(credentials)]).message } }
      }
    }

    if (first === 'refreshAccessToken') {
      const { credentials, trusted } = credentialsFor(
        body.refreshToken === undefined
          ? undefined
          : { refreshToken: body.refreshToken, clientId: body.clientId, clientSecret: body.clientSecret },
        seen,
        'refresh'
      )
      // A refresh token this server already exchanged under rotation is refused with 409, not answered with the
      // newest tokens (`RefreshTokenExchanged`); only the server's own sandbox credentials follow their family.
      const destination = destinationFor(trusted ? definition : untrustedDefinition)
      try {
        const tokens = await destination.refreshAccessToken(settingsFor(body.settings), {
          accessToken: credentials.accessToken ?? '',
          refreshToken: credentials.refreshToken ?? '',
          clientId: credentials.clientId ?? '',
          clientSecret: credentials.clientSecret ?? ''
        })
        return { status: 200, body: { ok: true, data: tokens } }
      } catch (error) {
        const report = failure(error, [...seen, ...secretsOf(credentials)])
        return { status: report.status, body: { ok: false, error: report } }
      }
    }

    // Own keys only: `/constructor` and `/toString` name no action, whatever Object.prototype holds.
    const action = Object.hasOwn(definition.actions, first) ? definition.actions[first] : undefined
    if (!action) {
      const known = ['manifest', 'authenticate', 'refreshAccessToken', ...Object.keys(definition.actions)]
      throw new RequestError(404, `No action "${first}". Routes: ${known.map((r) => `/${r}`).join(', ')}.`)
    }

    if (second) {
      // `field` or `field.__keys__`/`field.__values__` (an object field's), and only the action's own dropdowns.
      const [field, part] = second.split('.', 2)
      if (!Object.hasOwn(action.dynamicFields ?? {}, field) || ![undefined, '__keys__', '__values__'].includes(part)) {
        const fields = Object.keys(action.dynamicFields ?? {})
        throw new RequestError(404, `No dropdown "${second}" on /${first}. Dropdowns: ${fields.join(', ') || 'none'}.`)
      }
      const { credentials } = credentialsFor(body.auth, seen)
      const settings = settingsFor(body.settings)
      const answer = await limited(settings, () =>
        destinationFor(definition).executeDynamicField(first, second, {
          settings,
          payload: isObject(body.payload) ? body.payload : {},
          auth: { accessToken: credentials.accessToken ?? '', refreshToken: credentials.refreshToken ?? '' },
          page: typeof body.page === 'string' ? body.page : undefined
        })
      )
      // A dropdown's error is Pardot's answer in words, which may quote what it was sent.
      return { status: 200, body: preview(redactDeep(answer, [...seen, ...secretsOf(credentials)])) }
    }

    const payload = body.payload
    const isEvent = (e: unknown) => isObject(e)
    if (!(isEvent(payload) || (Array.isArray(payload) && payload.length > 0 && payload.every(isEvent)))) {
      throw new RequestError(400, '"payload" must be a Segment event object or a non-empty array of them.')
    }
    if (body.mapping !== undefined && !isObject(body.mapping))
      throw new RequestError(400, '"mapping" must be an object.')
    const { credentials, trusted } = credentialsFor(body.auth, seen)
    const settings = settingsFor(body.settings)
    const report = await deliver(trusted ? definition : untrustedDefinition, {
      slug: first,
      payload: payload as unknown as SegmentEvent | SegmentEvent[],
      settings,
      mapping: body.mapping as JSONObject | undefined,
      useDefaultMappings: body.useDefaultMappings === true,
      credentials,
      limiter,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      slowPardot,
      signal
    })
    follower.track(report, { settings, credentials })
    return { status: report.ok || Array.isArray(payload) ? 200 : report.status, body: report }
  }

  let stopping = false
  /** Requests to the destination being handled: what stopping waits for. */
  let handling = 0
  let drained: (() => void) | undefined

  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://local').pathname
    const where = `${req.method ?? 'GET'} ${pathname}`
    limitWrites(res, options.writeTimeoutMs)
    denyFraming(res)
    const handle = async () => {
      const refusal = gate.refusal(req, pathname)
      if (refusal) {
        log(`${where} -> ${refusal.status}: ${refusal.message}`)
        return refuse(res, refusal)
      }
      // Served while stopping too: the deliveries being drained still talk to the sandbox.
      // Its body cap is the server's: a chunked body has no length for the gate to refuse up front.
      if (sandbox?.owns(pathname)) return sandbox.handle(req, res, { maxBodyBytes: gate.maxBody })
      if (stopping) {
        res.setHeader('connection', 'close')
        const error = { status: 503, message: 'The local server is stopping; send this again once it is back.' }
        return send(res, { status: 503, body: { ok: false, error } })
      }
      handling++
      try {
        await answer()
      } finally {
        if (--handling === 0) drained?.()
      }
    }
    const answer = async () => {
      const asset = req.method === 'GET' ? await testerAsset(pathname) : undefined
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type }).end(asset.body)
        return
      }
      // The operator's secrets first: every answer and log line of this request hides them as well as the caller's.
      const seen: Secrets = [options.apiKey, options.clientSecret, gate.internal]
      // The sandbox's tokens as they are when the line is written: a delivery may have refreshed them.
      const hide = (text: string) => redactDeep(text, [...seen, ...secretsOf(sandboxCredentials)])
      // A caller that leaves cancels what it queued: nobody is there to hear how it went.
      const gone = new AbortController()
      res.once('close', () => res.writableFinished || gone.abort())
      try {
        const reply = await routes(req, seen, gone.signal)
        if (gone.signal.aborted) throw new ClientGone()
        const failed = describeFailure(reply)
        if (failed) log(`${where} -> ${reply.status}: ${hide(failed)}`)
        send(res, reply)
      } catch (error) {
        if (error instanceof ClientGone || gone.signal.aborted) {
          // Only an action's delivery has events to cancel; elsewhere saying so would send the operator looking.
          const [, first, second] = pathname.replace(/\/+$/, '').split('/')
          const delivery = req.method === 'POST' && !second && Object.hasOwn(definition.actions, first)
          const cancelled = delivery ? '; its queued events were not sent' : ''
          log(`${where}: the client closed the connection before its answer${cancelled}`)
          return
        }
        const refusal = errorReply(error, hide)
        log(`${where} -> ${refusal.status}: ${refusal.message}`)
        refuse(res, refusal)
      }
    }
    handle().catch(() => res.destroy())
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const url = ownUrl(server, options.host)
  gate.listening((server.address() as AddressInfo).port)
  if (sandbox) {
    aimedHosts = localHosts(url)
    const aimed = createPardotDestination({ hosts: aimedHosts }) as DestinationDefinition<unknown>
    definition = serve(aimed, true)
    untrustedDefinition = serve(aimed, false)
  }

  return {
    url,
    server,
    sandbox,
    imports: follower,
    close: async ({ drainMs = 0 } = {}) => {
      stopping = true
      follower.close()
      if (handling > 0 && drainMs > 0) {
        let timer: NodeJS.Timeout | undefined
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))
        ])
        clearTimeout(timer)
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await closed
    }
  }
}

type Secrets = (string | undefined)[]

function ownUrl(server: Server, host = '127.0.0.1'): string {
  return `http://${hostForUrl(host)}:${(server.address() as AddressInfo).port}`
}

function fromOAuth(oauth: Record<string, unknown>): Credentials {
  return {
    accessToken: oauth.access_token as string | undefined,
    refreshToken: oauth.refresh_token as string | undefined,
    clientId: oauth.clientId as string | undefined,
    clientSecret: oauth.clientSecret as string | undefined
  }
}

/** The credentials that have a value: an `undefined` (or JSON `null`) one must not replace another's in a spread. */
function defined(credentials: Credentials): Credentials {
  return Object.fromEntries(Object.entries(credentials).filter(([, value]) => value !== undefined && value !== null))
}

function toOAuth(credentials: Credentials) {
  return {
    access_token: credentials.accessToken,
    refresh_token: credentials.refreshToken,
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret
  }
}

function secretsOf(credentials: Credentials): (string | undefined)[] {
  return [credentials.accessToken, credentials.refreshToken, credentials.clientSecret]
}
