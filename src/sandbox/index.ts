import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ProspectFields } from './prospect-spec'
import { externalActivityRoutes } from './external-activities'
import { dice, rollFault } from './limits'
import {
  BodyTooLarge,
  OAuthFault,
  PardotFault,
  parseJsonBody,
  readBody,
  Router,
  send,
  splitHost,
  type RequestInfo
} from './http'
import { customFieldRoutes } from './custom-fields'
import { checkConfig, ConfigError } from './config-check'
import { listRoutes } from './lists'
import { oauthRoutes } from './oauth'
import { importRoutes } from './imports'
import { prospectRoutes } from './prospects'
import {
  SANDBOX_DEFAULTS,
  SandboxState,
  type Environment,
  type FaultOptions,
  type SandboxOptions,
  type StoredListMembership
} from './state'

/** Code 183's message in the error-code registry (docs/pardot-api.md, "Error codes"). */
const INTERNAL_ERROR = 'An internal error occurred, please try your request again'

export { SANDBOX_DEFAULTS, type SandboxOptions, type FaultOptions }

const API_HOSTS: Record<string, Environment> = { 'pi.pardot.com': 'production', 'pi.demo.pardot.com': 'demo' }
function notFound(info: RequestInfo): never {
  throw new PardotFault(109, `No such endpoint: ${info.method} ${info.path}`, 404)
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export interface SandboxStats {
  calls: Record<string, number>
  totalApiCalls: number
  answers: Record<string, number>
  /**
   * The most requests of each business unit at the sandbox at once, counted on arrival (those refused with code 66
   * included): what a client sent, so a client that overshoots Pardot's limit shows here.
   */
  maxInFlightArrived: Record<string, number>
  /** The most requests of each business unit let through at once: never above `maxConcurrent`. */
  maxInFlightAdmitted: Record<string, number>
  importedBytes: number
  injected: { '5xx': number; '66': number; slow: number }
  /** Token refreshes answered, refresh tokens rotated, and rotated-out tokens presented again (family revoked). */
  oauth: { refreshed: number; rotated: number; reuseDetected: number }
}

/**
 * An in-memory stand-in for Salesforce OAuth and Pardot API v5, as far as the destination uses them.
 * Paths may carry the host they stand for: `/pi.demo.pardot.com/api/v5/…`, `/test.salesforce.com/services/…`.
 */
export class PardotSandbox {
  readonly state: SandboxState
  private readonly api = new Router()
  private readonly login = new Router()
  private roll: () => number

  constructor(options: SandboxOptions = {}) {
    this.state = new SandboxState({
      tokenTtlMs: options.tokenTtlMs ?? 60 * 60 * 1000,
      refreshDelayMs: options.refreshDelayMs ?? 20,
      maxConcurrent: options.maxConcurrent ?? 5,
      dailyQuota: options.dailyQuota ?? 100_000,
      latencyMs: options.latencyMs ?? 0,
      rotateRefreshTokens: options.rotateRefreshTokens ?? false,
      importDelayMs: options.importDelayMs ?? 100,
      importsRequireCampaign: options.importsRequireCampaign ?? false,
      faults: options.faults ?? {}
    })
    this.roll = dice(options.faults?.seed ?? 1)
    oauthRoutes(this.login, this.state)
    const businessUnit = (r: RequestInfo) => String(r.headers['pardot-business-unit-id'])
    prospectRoutes(this.api, this.state, businessUnit)
    importRoutes(this.api, this.state, businessUnit)
    externalActivityRoutes(this.api, this.state, businessUnit)
    listRoutes(this.api, this.state, businessUnit)
    customFieldRoutes(this.api, this.state)
  }

  /** Whether a path belongs to the sandbox (the local server sends the rest to the destination). */
  owns(pathname: string): boolean {
    const { path } = splitHost(pathname, 'pi.pardot.com')
    return /^\/(api|services|sandbox)\//.test(path)
  }

  configure(change: Partial<SandboxOptions>): void {
    const { faults, ...rest } = change
    Object.assign(this.state.options, rest)
    if (faults) {
      this.state.options.faults = faults
      this.roll = dice(faults.seed ?? 1)
    }
  }

  stats(): SandboxStats {
    const calls = Object.fromEntries(this.state.calls)
    return {
      calls,
      totalApiCalls: Object.entries(calls)
        .filter(([endpoint]) => endpoint.includes(' /api/'))
        .reduce((sum, [, n]) => sum + n, 0),
      answers: Object.fromEntries(this.state.answers),
      maxInFlightArrived: Object.fromEntries(this.state.maxArrived),
      maxInFlightAdmitted: Object.fromEntries(this.state.maxAdmitted),
      importedBytes: this.state.importedBytes,
      injected: { ...this.state.injected },
      oauth: { ...this.state.oauth }
    }
  }

  prospects(businessUnitId?: string): ({ id: number; businessUnitId: string; isDeleted: boolean } & ProspectFields)[] {
    return [...this.state.prospects.values()]
      .filter((p) => !businessUnitId || p.businessUnitId === businessUnitId)
      .map((p) => ({ id: p.id, businessUnitId: p.businessUnitId, isDeleted: p.isDeleted, ...p.fields }))
  }

  listMemberships(businessUnitId?: string): StoredListMembership[] {
    return [...this.state.listMemberships.values()]
      .filter((m) => !businessUnitId || m.businessUnitId === businessUnitId)
      .map((m) => ({ ...m }))
  }

  /** `maxBodyBytes`: the largest body taken (the local server's --max-body-mb); a larger one is answered 413. */
  readonly handle = async (
    req: IncomingMessage,
    res: ServerResponse,
    limits: { maxBodyBytes?: number } = {}
  ): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox')
    const { host, path } = splitHost(url.pathname, 'pi.pardot.com')
    let rawBody: string
    try {
      rawBody = await readBody(req, limits.maxBodyBytes)
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error
      // The rest of the body is never read, so the connection cannot carry another request.
      res.setHeader('connection', 'close')
      return send(res, { status: 413, body: { message: error.message } })
    }
    const info: RequestInfo = {
      method: req.method ?? 'GET',
      path,
      host,
      query: url.searchParams,
      headers: req.headers,
      params: {},
      rawBody,
      json: () => parseJsonBody(rawBody)
    }
    try {
      if (path.startsWith('/sandbox/')) return send(res, this.admin(info))
      if (path.startsWith('/services/')) return send(res, await this.dispatch(this.login, info).run())
      send(res, await this.apiCall(info))
    } catch (error) {
      send(res, this.failure(error))
    }
  }

  /** Counts the call by endpoint, then runs it. */
  private dispatch(router: Router, info: RequestInfo) {
    const found = router.match(info.method, info.path)
    this.state.count(this.state.calls, found ? found.route.endpoint : `${info.method} ${info.path}`)
    return { found, run: () => (found ? found.route.handler({ ...info, params: found.params }) : notFound(info)) }
  }

  /** Header checks, limits and faults in Pardot's order, then the endpoint itself. */
  private async apiCall(info: RequestInfo) {
    const state = this.state
    const header = info.headers['pardot-business-unit-id']
    // Counted before any check can turn the request away: the peak of what was let through can never pass the
    // limit, so only this one shows a client that sends too many at once.
    const arrived = typeof header === 'string' && header !== '' ? header : undefined
    if (arrived !== undefined) {
      state.maxArrived.set(arrived, Math.max(state.maxArrived.get(arrived) ?? 0, state.count(state.arriving, arrived)))
    }
    try {
      return await this.checkedCall(info)
    } finally {
      if (arrived !== undefined) state.count(state.arriving, arrived, -1)
    }
  }

  private async checkedCall(info: RequestInfo) {
    const state = this.state
    const { run } = this.dispatch(this.api, info)
    const token = /^Bearer (.+)$/.exec(String(info.headers.authorization ?? ''))?.[1]
    if (!token || !state.isValidAccessToken(token)) {
      throw new PardotFault(184, 'access_token is invalid, unknown, or malformed: Inactive token', 401)
    }
    const bu = info.headers['pardot-business-unit-id']
    if (typeof bu !== 'string' || bu === '') {
      throw new PardotFault(181, 'A required header is missing')
    }
    const environment = state.businessUnits.get(bu)
    if (!environment || environment !== (API_HOSTS[info.host] ?? 'production')) {
      throw new PardotFault(201, 'Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.')
    }
    const running = state.inFlight.get(bu) ?? 0
    if (running >= state.options.maxConcurrent) {
      throw new PardotFault(66, 'You have exceeded your concurrent request limit. Please wait, before trying again')
    }
    if (state.count(state.dailyCalls, bu) > state.options.dailyQuota) {
      throw new PardotFault(122, 'Daily API rate limit met')
    }
    state.count(state.inFlight, bu)
    state.maxAdmitted.set(bu, Math.max(state.maxAdmitted.get(bu) ?? 0, running + 1))
    try {
      const fault = rollFault(this.roll, state.options.faults)
      if (fault) state.injected[fault]++
      if (fault === 'slow') await delay(state.options.faults.slowMs ?? 2000)
      else if (state.options.latencyMs > 0) await delay(state.options.latencyMs)
      // The registry's internal error, in its words; HTTP 500, the plain status for it (which one Pardot sends is
      // not documented: the client retries any 5xx).
      if (fault === '5xx') throw new PardotFault(183, INTERNAL_ERROR, 500)
      if (fault === '66')
        throw new PardotFault(66, 'You have exceeded your concurrent request limit. Please wait, before trying again')
      return await run()
    } finally {
      state.count(state.inFlight, bu, -1)
    }
  }

  private admin(info: RequestInfo) {
    const route = `${info.method} ${info.path}`
    switch (route) {
      case 'GET /sandbox/prospects':
        return { status: 200, body: this.prospects(info.query.get('businessUnitId') ?? undefined) }
      case 'GET /sandbox/external-activities':
        return { status: 200, body: this.state.externalActivities }
      case 'GET /sandbox/list-memberships':
        return { status: 200, body: this.listMemberships(info.query.get('businessUnitId') ?? undefined) }
      case 'POST /sandbox/reset':
        this.state.reset()
        return { status: 204 }
      case 'GET /sandbox/stats':
        return { status: 200, body: this.stats() }
      case 'POST /sandbox/config':
        return this.configureFrom(info)
      case 'POST /sandbox/expire-tokens':
        this.state.expireAccessTokens()
        return { status: 204 }
      default:
        return { status: 404, body: { message: `No sandbox route ${route}` } }
    }
  }

  /** Every value checked before any is applied, so a refused body changes nothing. */
  private configureFrom(info: RequestInfo) {
    try {
      this.configure(checkConfig(info.json()))
      return { status: 204 }
    } catch (error) {
      if (error instanceof ConfigError) return { status: 400, body: { field: error.field, message: error.message } }
      if (error instanceof PardotFault) return { status: 400, body: { message: 'The body is not valid JSON.' } }
      throw error
    }
  }

  private failure(error: unknown) {
    if (error instanceof PardotFault) {
      this.state.count(this.state.answers, String(error.code))
      return { status: error.status, body: { code: error.code, message: error.message } }
    }
    if (error instanceof OAuthFault) {
      return { status: error.status, body: { error: error.error, error_description: error.description } }
    }
    this.state.count(this.state.answers, '500')
    // A fault of the sandbox itself: the registry's internal-error code, and what went wrong, to debug it.
    return { status: 500, body: { code: 183, message: error instanceof Error ? error.message : INTERNAL_ERROR } }
  }
}
