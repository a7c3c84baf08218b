import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DestinationDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { Destination } from '@segment/actions-core'
import pardot from '../destinations/pardot'
import { routeToLocalTarget } from '../destinations/pardot/pardot-client'
import { PardotSandbox, SANDBOX_DEFAULTS, type SandboxOptions } from '../sandbox'
import { readBody, send, type Reply } from '../sandbox/http'
import type { ServerConfig } from './config'
import { deliver, failure, type Credentials } from './deliver'
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
}

export interface LocalServer {
  url: string
  server: Server
  /** The embedded sandbox, when the target is `sandbox`. */
  sandbox?: PardotSandbox
  close(): Promise<void>
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
  // The engine refreshes the sandbox token when it expires; the next call picks up the new one.
  const sandboxCredentials: Credentials = {
    accessToken: SANDBOX_DEFAULTS.accessToken,
    refreshToken: SANDBOX_DEFAULTS.refreshToken,
    clientId: SANDBOX_DEFAULTS.clientId,
    clientSecret: SANDBOX_DEFAULTS.clientSecret
  }

  // Without `auth`, every call shares the sandbox's credentials, so a refreshed token serves the next call too.
  const credentialsFor = (auth: unknown): { credentials: Credentials } => {
    if (auth !== undefined) {
      if (!isObject(auth)) throw new RequestError(400, '"auth" must be an object: {accessToken, refreshToken}.')
      return {
        credentials: { clientId: options.clientId, clientSecret: options.clientSecret, ...(auth as Credentials) }
      }
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
    return rest as JSONObject
  }

  const routes = async (req: IncomingMessage): Promise<Reply> => {
    const url = new URL(req.url ?? '/', 'http://local')
    const path = url.pathname.replace(/\/+$/, '') || '/'
    const method = req.method ?? 'GET'
    if (method === 'GET' && path === '/manifest') return { status: 200, body: definition }
    if (method !== 'POST') throw new RequestError(404, `No route ${method} ${path}.`)
    const body = await jsonBody(req)
    const [, first, second] = path.split('/')

    if (first === 'authenticate') {
      const { oauth, ...flat } = body
      const { credentials } = credentialsFor(isObject(oauth) ? fromOAuth(oauth) : undefined)
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
          : { refreshToken: body.refreshToken, clientId: body.clientId, clientSecret: body.clientSecret }
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
      const { credentials } = credentialsFor(body.auth)
      const answer = await new Destination(definition).executeDynamicField(first, second, {
        settings: settingsFor(body.settings),
        payload: isObject(body.payload) ? body.payload : {},
        auth: { accessToken: credentials.accessToken ?? '', refreshToken: credentials.refreshToken ?? '' },
        page: typeof body.page === 'string' ? body.page : undefined
      })
      return { status: 200, body: answer }
    }

    const payload = body.payload
    const isEvent = (e: unknown) => isObject(e)
    if (!(isEvent(payload) || (Array.isArray(payload) && payload.length > 0 && payload.every(isEvent)))) {
      throw new RequestError(400, '"payload" must be a Segment event object or a non-empty array of them.')
    }
    if (body.mapping !== undefined && !isObject(body.mapping))
      throw new RequestError(400, '"mapping" must be an object.')
    const { credentials } = credentialsFor(body.auth)
    const report = await deliver(definition, {
      slug: first,
      payload: payload as unknown as SegmentEvent | SegmentEvent[],
      settings: settingsFor(body.settings),
      mapping: body.mapping as JSONObject | undefined,
      useDefaultMappings: body.useDefaultMappings === true,
      credentials,
      limiter,
      retry: { ...DEFAULT_RETRY, ...options.retry }
    })
    return { status: report.ok || Array.isArray(payload) ? 200 : report.status, body: report }
  }

  const server = createServer((req, res) => {
    const handle = async () => {
      const pathname = new URL(req.url ?? '/', 'http://local').pathname
      if (sandbox?.owns(pathname)) return sandbox.handle(req, res)
      const asset = req.method === 'GET' ? await testerAsset(pathname) : undefined
      if (asset) {
        res.writeHead(200, { 'content-type': asset.type }).end(asset.body)
        return
      }
      try {
        send(res, await routes(req))
      } catch (error) {
        const status = error instanceof RequestError ? error.status : 500
        const message = error instanceof Error ? error.message : String(error)
        send(res, { status, body: { ok: false, error: { status, message } } })
      }
    }
    handle().catch(() => res.destroy())
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`
  routeToLocalTarget(sandbox ? url : undefined)

  return {
    url,
    server,
    sandbox,
    close: () =>
      new Promise<void>((resolve) => {
        routeToLocalTarget(undefined)
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req)
  if (raw.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch (error) {
    throw new RequestError(400, `The request body is not valid JSON: ${(error as Error).message}`)
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
