import type { IncomingMessage, ServerResponse } from 'node:http'
import { adminRoutes } from './admin-routes'
import type { SandboxStats } from './counters'
import { ApiGate, INTERNAL_ERROR } from './api-gate'
import { businessUnitOf } from './business-unit'
import { customFieldRoutes } from './custom-fields'
import { externalActivityRoutes } from './external-activities'
import {
  BodyTooLarge,
  dispatch,
  OAuthFault,
  PardotFault,
  parseJsonBody,
  readBody,
  SandboxRouter,
  splitHost,
  type RequestInfo
} from './http'
import { send, type Reply } from '../http/reply'
import { importRoutes } from './imports'
import type { StoredListMembership } from './list-store'
import { listRoutes } from './lists'
import { oauthRoutes } from './oauth'
import { SANDBOX_DEFAULTS, withDefaults, type FaultOptions, type SandboxOptions } from './options'
import type { SandboxProspectFields } from './prospect-spec'
import { prospectRoutes } from './prospects'
import { SandboxState } from './state'

export { SANDBOX_DEFAULTS, type SandboxOptions, type FaultOptions }
export type { SandboxStats }

/** Whether a path belongs to the sandbox, wherever it runs (in the caller's thread or its own, see thread.ts). */
export function sandboxOwns(pathname: string): boolean {
  const { path } = splitHost(pathname, 'pi.pardot.com')
  return /^\/(api|services|sandbox)\//.test(path)
}

/**
 * An in-memory stand-in for Salesforce OAuth and Pardot API v5, as far as the destination uses them (docs/sandbox.md).
 * Paths may carry the host they stand for: `/pi.demo.pardot.com/api/v5/…`, `/test.salesforce.com/services/…`.
 */
export class PardotSandbox {
  readonly state: SandboxState
  /** Pardot API v5 (`/api/…`), behind the gate's checks and limits. */
  private readonly api = new SandboxRouter()
  /** Salesforce's token endpoint (`/services/…`). */
  private readonly login = new SandboxRouter()
  /** The sandbox's own routes (`/sandbox/…`). */
  private readonly admin = new SandboxRouter()
  private readonly gate: ApiGate

  constructor(options: SandboxOptions = {}) {
    this.state = new SandboxState(withDefaults(options))
    this.gate = new ApiGate(this.state, this.api)
    oauthRoutes(this.login, this.state)
    prospectRoutes(this.api, this.state, businessUnitOf)
    importRoutes(this.api, this.state, businessUnitOf)
    externalActivityRoutes(this.api, this.state, businessUnitOf)
    listRoutes(this.api, this.state, businessUnitOf)
    customFieldRoutes(this.api, this.state)
    adminRoutes(this.admin, this)
  }

  /** Whether a path belongs to the sandbox (the local server sends the rest to the destination). */
  owns(pathname: string): boolean {
    return sandboxOwns(pathname)
  }

  configure(change: Partial<SandboxOptions>): void {
    const { faults, ...rest } = change
    Object.assign(this.state.options, rest)
    if (faults) {
      this.state.options.faults = faults
      this.gate.reseed(faults.seed)
    }
  }

  stats(): SandboxStats {
    return this.state.counters.stats()
  }

  prospects(
    businessUnitId?: string
  ): ({ id: number; businessUnitId: string; isDeleted: boolean } & SandboxProspectFields)[] {
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
    const receivedAt = performance.now()
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
      receivedAt,
      json: () => parseJsonBody(rawBody)
    }
    try {
      if (path.startsWith('/sandbox/')) return send(res, await this.adminCall(info))
      if (path.startsWith('/services/')) return send(res, await dispatch(this.login, info, this.state.counters)())
      send(res, await this.gate.call(info))
    } catch (error) {
      send(res, this.failure(error))
    }
  }

  /** Admin routes are not Pardot's: not counted, and an unknown one is a plain 404. */
  private adminCall(info: RequestInfo): Reply | Promise<Reply> {
    const found = this.admin.match(info.method, info.path)
    if (!found) return { status: 404, body: { message: `No sandbox route ${info.method} ${info.path}` } }
    return found.route.handler({ ...info, params: found.params })
  }

  private failure(error: unknown): Reply {
    const counters = this.state.counters
    if (error instanceof PardotFault) {
      counters.count(counters.answers, String(error.code))
      return { status: error.status, body: { code: error.code, message: error.message } }
    }
    if (error instanceof OAuthFault) {
      return { status: error.status, body: { error: error.error, error_description: error.description } }
    }
    counters.count(counters.answers, '500')
    // A fault of the sandbox itself: the registry's internal-error code, and what went wrong, to debug it.
    return { status: 500, body: { code: 183, message: error instanceof Error ? error.message : INTERNAL_ERROR } }
  }
}
