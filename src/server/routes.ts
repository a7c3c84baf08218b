import type { IncomingMessage } from 'node:http'
import type { DestinationDefinition } from '@segment/actions-core'
import type { Reply } from '../http/reply'
import { Router } from '../http/router'
import { parseJsonObject, readCappedBody, RequestError } from './body'
import { fromOAuth, secretsOf, toOAuth, refreshInput, type Secrets } from './credentials'
import { deliver } from './deliver'
import { destinationFor } from './engine'
import { redactDeep } from './exchanges'
import { failure } from './outcomes'
import { preview } from './preview'
import { isRecord } from '../destinations/pardot/guards'
import { checkDropdown, deliveryRequest, routePath, settingsFrom, type Action } from './request-checks'
import type { ServerParts } from './server-parts'

/** One request as a route sees it: its JSON body (POST only), the path's params, and what its answer must hide. */
export interface RouteRequest {
  body: Record<string, unknown>
  params: Record<string, string>
  /** Secrets seen so far in this request; credential handling adds the caller's. */
  seen: Secrets
  /** Aborted when the caller leaves. */
  signal: AbortSignal
}

type RouteHandler = (server: ServerParts, request: RouteRequest) => Reply | Promise<Reply>

const manifest: RouteHandler = (server) => ({ status: 200, body: server.definitions.trusted })

const imports: RouteHandler = (server) => ({ status: 200, body: server.follower.list() })

/** Test Connection: `{oauth, ...settings}`, answered 200 either way, with `ok` saying how it went. */
const authenticate: RouteHandler = async (server, { body, seen }) => {
  const { oauth, ...flat } = body
  const { credentials } = server.credentials.forCaller(isRecord(oauth) ? fromOAuth(oauth) : undefined, seen)
  const settings = {
    ...settingsFrom(Object.keys(flat).length ? flat : undefined, !!server.sandbox),
    oauth: toOAuth(credentials)
  }
  try {
    await server.limited(settings, () => destinationFor(server.definitions.trusted).testAuthentication(settings))
    return { status: 200, body: { ok: true } }
  } catch (error) {
    return { status: 200, body: { ok: false, error: failure(error, [...seen, ...secretsOf(credentials)]).message } }
  }
}

const refreshAccessToken: RouteHandler = async (server, { body, seen }) => {
  const auth =
    body.refreshToken === undefined
      ? undefined
      : { refreshToken: body.refreshToken, clientId: body.clientId, clientSecret: body.clientSecret }
  const { credentials, trusted } = server.credentials.forCaller(auth, seen, 'refresh')
  // A refresh token this server already exchanged under rotation is refused with 409, not answered with the
  // newest tokens (`RefreshTokenExchanged`); only the server's own sandbox credentials follow their family.
  const destination = destinationFor(server.definitions.for(trusted))
  try {
    const settings = settingsFrom(body.settings, !!server.sandbox)
    const tokens = await destination.refreshAccessToken(settings, refreshInput(credentials))
    return { status: 200, body: { ok: true, data: tokens } }
  } catch (error) {
    const report = failure(error, [...seen, ...secretsOf(credentials)])
    return { status: report.status, body: { ok: false, error: report } }
  }
}

/** A dropdown's choices: `field`, or `field.__keys__`/`field.__values__` for an object field's. */
const dropdown: RouteHandler = async (server, { body, params, seen }) => {
  checkDropdown(actionNamed(server.definitions.trusted, params.action), params.action, params.field)
  const { credentials } = server.credentials.forCaller(body.auth, seen)
  const settings = settingsFrom(body.settings, !!server.sandbox)
  const answer = await server.limited(settings, () =>
    destinationFor(server.definitions.trusted).executeDynamicField(params.action, params.field, {
      settings,
      payload: isRecord(body.payload) ? body.payload : {},
      auth: { accessToken: credentials.accessToken ?? '', refreshToken: credentials.refreshToken ?? '' },
      page: typeof body.page === 'string' ? body.page : undefined
    })
  )
  // A dropdown's error is Pardot's answer in words, which may quote what it was sent.
  return { status: 200, body: preview(redactDeep(answer, [...seen, ...secretsOf(credentials)])) }
}

/** An action's delivery: one event (answered with its own status) or an array of them (answered 200). */
const delivery: RouteHandler = async (server, { body, params, seen, signal }) => {
  actionNamed(server.definitions.trusted, params.action)
  const { payload, mapping } = deliveryRequest(body)
  const { credentials, trusted } = server.credentials.forCaller(body.auth, seen)
  const settings = settingsFrom(body.settings, !!server.sandbox)
  const report = await deliver(server.definitions.for(trusted), {
    slug: params.action,
    payload,
    settings,
    mapping,
    useDefaultMappings: body.useDefaultMappings === true,
    credentials,
    limiter: server.limiter,
    retry: server.retry,
    slowPardot: server.slowPardot,
    signal
  })
  server.follower.track(report, { settings, credentials })
  return { status: report.ok || Array.isArray(payload) ? 200 : report.status, body: report }
}

/** The routes an unknown action's 404 lists before the actions (a new route users call belongs here too). */
const LISTED_ROUTES = ['manifest', 'authenticate', 'refreshAccessToken']

/** The server's routes, shaped like Segment's actions CLI `serve`. A new route is one `add` and its handler. */
const router = new Router<RouteHandler>({ decode: false })
  .add('GET', '/manifest', manifest)
  .add('GET', '/imports', imports)
  .add('POST', '/authenticate', authenticate)
  .add('POST', '/refreshAccessToken', refreshAccessToken)
  .add('POST', '/:action/:field', dropdown)
  .add('POST', '/:action', delivery)

/**
 * Answers a request to the destination. A POST's body is read and checked before its path is looked at, so a
 * malformed body is a 400 whatever the path.
 */
export async function route(
  server: ServerParts,
  req: IncomingMessage,
  pathname: string,
  seen: Secrets,
  signal: AbortSignal
): Promise<Reply> {
  const path = routePath(pathname)
  const method = req.method ?? 'GET'
  const found = router.match(method, path)
  if (method !== 'POST') {
    if (!found) throw new RequestError(404, `No route ${method} ${path}.`)
    return found.route.handler(server, { body: {}, params: found.params, seen, signal })
  }
  const body = parseJsonObject(await readCappedBody(req, server.gate.maxBody))
  if (!found) refuseUnrouted(server, path)
  return found.route.handler(server, { body, params: found.params, seen, signal })
}

/** Whether the request is an action's delivery: only a delivery has queued events that a caller leaving cancels. */
export function isDelivery(server: ServerParts, method: string, pathname: string): boolean {
  const found = router.match(method, routePath(pathname))
  return found?.route.handler === delivery && Object.hasOwn(server.definitions.trusted.actions, found.params.action)
}

/**
 * The action a path names. Own keys only: `/constructor` and `/toString` name no action, whatever Object.prototype
 * holds.
 */
export function actionNamed(definition: DestinationDefinition<unknown>, slug: string): Action {
  const action = Object.hasOwn(definition.actions, slug) ? definition.actions[slug] : undefined
  if (!action) {
    const known = [...LISTED_ROUTES, ...Object.keys(definition.actions)]
    throw new RequestError(404, `No action "${slug}". Routes: ${known.map((r) => `/${r}`).join(', ')}.`)
  }
  return action
}

/** Refuses a POST no route takes, naming what is missing: the action its first segment names, or its dropdown. */
function refuseUnrouted(server: ServerParts, path: string): never {
  const [, first = '', ...rest] = path.split('/')
  checkDropdown(actionNamed(server.definitions.trusted, first), first, rest.join('/'))
  throw new RequestError(404, `No route POST ${path}.`)
}
