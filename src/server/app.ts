import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { Destination } from '@segment/actions-core'
import pardot from '../destinations/pardot'
import { withLocalTarget } from '../destinations/pardot/pardot-client'
import { PardotSandbox, SANDBOX_DEFAULTS, type SandboxOptions } from '../sandbox'
import { readBody, send, type Reply } from '../sandbox/http'
import type { ServerConfig } from './config'
import { deliver, failure, type Credentials, type EventOutcome } from './deliver'
import { redactDeep } from './exchanges'
import { DEFAULT_FOLLOW, ImportFollower, type FollowOptions } from './import-follower'
import { ConcurrencyLimiter, DEFAULT_RETRY, type RetryPolicy } from './limiter'
import { testerAsset } from './tester/assets'

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

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/**
 * The destination behind routes shaped like Segment's actions CLI `serve`, plus (by default) the
 * embedded Pardot sandbox on the same port. The target is operator configuration only.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const target = options.target ?? 'sandbox'
  const definition = pardot as DestinationDefinition<unknown>
  const sandbox = target === 'sandbox' ? new PardotSandbox(options.sandbox) : undefined
  const limiter = new ConcurrencyLimiter(options.maxConcurrency ?? 5)
  const log = options.log ?? (() => undefined)
  const follower = new ImportFollower({ ...DEFAULT_FOLLOW, ...options.importFollow }, log, limiter)
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
      const credentials = { clientId: options.clientId, clientSecret: options.clientSecret, ...(auth as Credentials) }
      seen.push(...secretsOf(credentials))
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

  const routes = async (req: IncomingMessage, seen: Secrets): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://local')
    const path = url.pathname.replace(/\/+$/, '') || '/'
    const method = req.method ?? 'GET'
    if (method === 'GET' && path === '/manifest') return { status: 200, body: definition }
    if (method === 'GET' && path === '/imports') return { status: 200, body: follower.list() }
    if (method !== 'POST') throw new RequestError(404, `No route ${method} ${path}.`)
    const body = await jsonBody(req)
    const [, first, second] = path.split('/')

    if (first === 'authenticate') {
      const { oauth, ...flat } = body
      const { credentials } = credentialsFor(isObject(oauth) ? fromOAuth(oauth) : undefined, seen)
      const settings = { ...settingsFor(Object.keys(flat).length ? flat : undefined), oauth: toOAuth(credentials) }
      try {
        await new Destination(definition).testAuthentication(settings)
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
        const tokens = await new Destination(definition).refreshAccessToken(settingsFor(body.settings), {
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

    const action = definition.actions[first]
    if (!action) {
      const known = ['manifest', 'authenticate', 'refreshAccessToken', ...Object.keys(definition.actions)]
      throw new RequestError(404, `No action "${first}". Routes: ${known.map((r) => `/${r}`).join(', ')}.`)
    }

    if (second) {
      const { credentials } = credentialsFor(body.auth, seen)
      const answer = await new Destination(definition).executeDynamicField(first, second, {
        settings: settingsFor(body.settings),
        payload: isObject(body.payload) ? body.payload : {},
        auth: { accessToken: credentials.accessToken ?? '', refreshToken: credentials.refreshToken ?? '' },
        page: typeof body.page === 'string' ? body.page : undefined
      })
      // A dropdown's error is Pardot's answer in words, which may quote what it was sent.
      return { status: 200, body: redactDeep(answer, [...seen, ...secretsOf(credentials)]) }
    }

    const payload = body.payload
    const isEvent = (e: unknown) => isObject(e)
    if (!(isEvent(payload) || (Array.isArray(payload) && payload.length > 0 && payload.every(isEvent)))) {
      throw new RequestError(400, '"payload" must be a Segment event object or a non-empty array of them.')
    }
    if (body.mapping !== undefined && !isObject(body.mapping))
      throw new RequestError(400, '"mapping" must be an object.')
    const { credentials } = credentialsFor(body.auth, seen)
    const settings = settingsFor(body.settings)
    const report = await deliver(definition, {
      slug: first,
      payload: payload as unknown as SegmentEvent | SegmentEvent[],
      settings,
      mapping: body.mapping as JSONObject | undefined,
      useDefaultMappings: body.useDefaultMappings === true,
      credentials,
      limiter,
      retry: { ...DEFAULT_RETRY, ...options.retry }
    })
    follower.track(report, { settings, credentials })
    return { status: report.ok || Array.isArray(payload) ? 200 : report.status, body: report }
  }

  // Read per request, so this server's traffic (and only this server's) goes to its own sandbox.
  const sandboxUrl = () => (sandbox ? ownUrl(server, options.host) : undefined)
  let stopping = false
  /** Requests to the destination being handled: what stopping waits for. */
  let handling = 0
  let drained: (() => void) | undefined

  const server = createServer((req, res) => {
    const handle = async () => {
      const pathname = new URL(req.url ?? '/', 'http://local').pathname
      // Served while stopping too: the deliveries being drained still talk to the sandbox.
      if (sandbox?.owns(pathname)) return sandbox.handle(req, res)
      if (stopping) {
        res.setHeader('connection', 'close')
        const error = { status: 503, message: 'The local server is stopping; send this again once it is back.' }
        return send(res, { status: 503, body: { ok: false, error } })
      }
      handling++
      try {
        await answer(pathname)
      } finally {
        if (--handling === 0) drained?.()
      }
    }
    const answer = async (pathname: string) => {
      const asset = req.method === 'GET' ? await testerAsset(pathname) : undefined
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type }).end(asset.body)
        return
      }
      const seen: Secrets = []
      const hide = (text: string) => redactDeep(text, [...seen, ...secretsOf(sandboxCredentials)])
      const where = `${req.method ?? 'GET'} ${pathname}`
      try {
        const reply = await routes(req, seen)
        const failed = describeFailure(reply)
        if (failed) log(`${where} -> ${reply.status}: ${hide(failed)}`)
        send(res, reply)
      } catch (error) {
        const status = error instanceof RequestError ? error.status : 500
        // Our own refusals are worded for the caller; anything else may quote a body or a token, so it is redacted.
        const message =
          error instanceof RequestError
            ? error.message
            : `The local server failed: ${hide(error instanceof Error ? error.message : String(error))}`
        log(`${where} -> ${status}: ${message}`)
        send(res, { status, body: { ok: false, error: { status, message } } })
      }
    }
    withLocalTarget(sandboxUrl(), handle).catch(() => res.destroy())
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const url = ownUrl(server, options.host)

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
  return `http://${host}:${(server.address() as AddressInfo).port}`
}

/** What went wrong in a reply, in one line, or undefined when it went well. */
function describeFailure(reply: Reply): string | undefined {
  const body = isObject(reply.body) ? reply.body : {}
  const events = Array.isArray(body.events) ? (body.events as EventOutcome[]) : []
  const failed = events.filter((event) => !event.ok)
  if (failed.length > 0) {
    return `${failed.length} of ${events.length} events failed; the first: ${failed[0].error?.message ?? ''}`
  }
  const error = body.error
  if (typeof error === 'string') return error
  if (isObject(error)) return typeof error.message === 'string' ? error.message : JSON.stringify(error)
  return reply.status >= 400 ? `status ${reply.status}` : undefined
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req)
  if (raw.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    // Node's own message can quote the body, tokens included: only the position is passed on.
    const position = /position (\d+)/.exec((error as Error).message)?.[1]
    const where =
      position === undefined ? 'it ends too early or is not JSON at all' : `at character ${Number(position) + 1}`
    throw new RequestError(400, `The request body is not valid JSON (${where}).`)
  }
  if (!isObject(parsed)) throw new RequestError(400, 'The request body must be a JSON object.')
  return parsed
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
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
