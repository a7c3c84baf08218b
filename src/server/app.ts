import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { destinationFor } from './engine'
import pardot, { createPardotDestination } from '../destinations/pardot'
import { PardotSandbox, SANDBOX_DEFAULTS, type SandboxOptions } from '../sandbox'
import { send, type Reply } from '../sandbox/http'
import { ClientGone, parseJsonObject, readCappedBody, RequestError } from './body'
import { describeFailure, errorReply, isObject } from './replies'
import type { ServerConfig } from './config'
import { deliver, failure, type Credentials } from './deliver'
import { redactDeep } from './exchanges'
import { ConcurrencyLimiter, DEFAULT_RETRY, type RetryPolicy } from './limiter'
import { TokenStore, withTokenStore } from './tokens'
import { preview } from './preview'
import { createGate, limitWrites, refuse } from './gate'
import { escapeControl, hostForUrl } from './security'
import { localHosts } from './local-hosts'
import { testerAsset } from './tester/assets'
import { DEFAULT_SLOW_PARDOT, watchRequests, type SlowPardotPolicy } from './watch'

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
}

export interface LocalServer {
  url: string
  server: Server
  /** The embedded sandbox, when the target is `sandbox`. */
  sandbox?: PardotSandbox
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
  const serve = (base: DestinationDefinition<unknown>) =>
    watchRequests(withTokenStore(base, tokens), slowPardot, gate.ownHeaders)
  // With the sandbox, aimed at it once this server's address is known (below); each server has its own.
  let definition = serve(pardot as DestinationDefinition<unknown>)
  const limiter = new ConcurrencyLimiter(options.maxConcurrency ?? 5)
  const log = (line: string) => options.log?.(escapeControl(line))
  // The engine refreshes the sandbox token when it expires; the next call picks up the new one.
  const sandboxCredentials: Credentials = {
    accessToken: SANDBOX_DEFAULTS.accessToken,
    refreshToken: SANDBOX_DEFAULTS.refreshToken,
    clientId: SANDBOX_DEFAULTS.clientId,
    clientSecret: SANDBOX_DEFAULTS.clientSecret
  }

  // Without `auth`, every call shares the sandbox's credentials, so a refreshed token serves the next call too.
  // Each request's secrets are noted in `seen`, so whatever goes wrong later, its answer and log line can hide them.
  const credentialsFor = (auth: unknown, seen: Secrets): { credentials: Credentials } => {
    if (auth !== undefined) {
      if (!isObject(auth)) throw new RequestError(400, '"auth" must be an object: {accessToken, refreshToken}.')
      // The operator's client id and secret serve only callers who proved themselves with the key: without a key
      // (loopback and the sandbox only), a caller's own refresh token is refreshed with the caller's own secret.
      const operator = options.apiKey ? { clientId: options.clientId, clientSecret: options.clientSecret } : {}
      const given = { ...operator, ...(auth as Credentials) }
      // A caller that still sends the tokens it connected with gets the newest of their family, kept by this server.
      const credentials = tokens.latest(given)
      seen.push(...secretsOf(given), ...secretsOf(credentials))
      return { credentials }
    }
    if (!sandbox) {
      throw new RequestError(400, 'The target is real Pardot: send "auth" with accessToken and refreshToken.')
    }
    return { credentials: sandboxCredentials }
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
    if (method !== 'POST') throw new RequestError(404, `No route ${method} ${path}.`)
    const body = parseJsonObject(await readCappedBody(req, gate.maxBody))
    const [, first, second] = path.split('/')

    if (first === 'authenticate') {
      const { oauth, ...flat } = body
      const { credentials } = credentialsFor(isObject(oauth) ? fromOAuth(oauth) : undefined, seen)
      const settings = { ...settingsFor(Object.keys(flat).length ? flat : undefined), oauth: toOAuth(credentials) }
      try {
        await destinationFor(definition).testAuthentication(settings)
        return { status: 200, body: { ok: true } }
      } catch (error) {
        return { status: 200, body: { ok: false, error: failure(error, secretsOf(credentials)).message } }
      }
    }

    if (first === 'refreshAccessToken') {
      const { credentials } = credentialsFor(
        body.refreshToken === undefined
          ? undefined
          : { refreshToken: body.refreshToken, clientId: body.clientId, clientSecret: body.clientSecret },
        seen
      )
      try {
        const tokens = await destinationFor(definition).refreshAccessToken(settingsFor(body.settings), {
          accessToken: credentials.accessToken ?? '',
          refreshToken: credentials.refreshToken ?? '',
          clientId: credentials.clientId ?? '',
          clientSecret: credentials.clientSecret ?? ''
        })
        return { status: 200, body: { ok: true, data: tokens } }
      } catch (error) {
        const report = failure(error, secretsOf(credentials))
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
      const answer = await destinationFor(definition).executeDynamicField(first, second, {
        settings: settingsFor(body.settings),
        payload: isObject(body.payload) ? body.payload : {},
        auth: { accessToken: credentials.accessToken ?? '', refreshToken: credentials.refreshToken ?? '' },
        page: typeof body.page === 'string' ? body.page : undefined
      })
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
    const { credentials } = credentialsFor(body.auth, seen)
    const report = await deliver(definition, {
      slug: first,
      payload: payload as unknown as SegmentEvent | SegmentEvent[],
      settings: settingsFor(body.settings),
      mapping: body.mapping as JSONObject | undefined,
      useDefaultMappings: body.useDefaultMappings === true,
      credentials,
      limiter,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      slowPardot,
      signal
    })
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
    const handle = async () => {
      const refusal = gate.refusal(req, pathname)
      if (refusal) {
        log(`${where} -> ${refusal.status}: ${refusal.message}`)
        return refuse(res, refusal)
      }
      // Served while stopping too: the deliveries being drained still talk to the sandbox.
      if (sandbox?.owns(pathname)) return sandbox.handle(req, res)
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
      const seen: Secrets = []
      const operator = [options.apiKey, options.clientSecret, gate.internal]
      const hide = (text: string) => redactDeep(text, [...seen, ...secretsOf(sandboxCredentials), ...operator])
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
          log(`${where}: the client closed the connection before its answer; its queued events were not sent`)
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
  if (sandbox) definition = serve(createPardotDestination({ hosts: localHosts(url) }) as DestinationDefinition<unknown>)

  return {
    url,
    server,
    sandbox,
    close: async ({ drainMs = 0 } = {}) => {
      stopping = true
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
