import { HTTPError, type ModifiedResponse, type RequestClient, type StatsContext } from '@segment/actions-core'
import type { Settings } from './generated-types'
import {
  handlingOf,
  pardotCode,
  readPardotAnswer,
  toPardotError,
  type AnswerHint,
  type Handling,
  type RequestContext
} from './errors'
import { pardotHosts, type PardotHosts } from './hosts'
import { Metrics } from './metrics'
import { businessUnitId, checkSettings } from './settings'

/**
 * The request core: every request to Pardot goes through `send` (or `sendUnless`), to the configured API host, and
 * every failure leaves it as an actions-core error (errors/). The calls of each API area are functions of their own
 * file, taking this client: pardot-client-prospects.ts, -external-activities.ts, -lists.ts, -list-memberships.ts,
 * -custom-fields.ts, -imports.ts; query paging in pardot-client-paging.ts, the token refresh in pardot-client-oauth.ts.
 */

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
export type SendOptions = {
  json?: unknown
  searchParams?: Record<string, string>
  body?: string
  headers?: Record<string, string>
  /** Milliseconds; actions-core's default is 10 s. */
  timeout?: number
}

export class PardotClient {
  readonly hosts: PardotHosts
  readonly context: RequestContext
  readonly metrics: Metrics

  /** Checks the settings first, so a misconfiguration never reaches the network. */
  constructor(
    private readonly request: RequestClient,
    settings: Settings,
    statsContext?: StatsContext
  ) {
    this.metrics = new Metrics(statsContext)
    checkSettings(settings)
    this.hosts = pardotHosts(request, settings)
    this.context = {
      apiHost: this.hosts.api,
      businessUnitId: businessUnitId(settings),
      isSandbox: settings.isSandbox,
      isDeveloperOrg: settings.isDeveloperOrg
    }
  }

  /**
   * Every request to Pardot goes through here. `hint`: the calling action's fix for a failure answer, from what the
   * request was for (errors/classify.ts, `AnswerHint`).
   */
  async send<T>(method: Method, path: string, options: SendOptions, hint?: AnswerHint) {
    try {
      return await this.request<T>(`${this.hosts.api}${path}`, { method, ...options })
    } catch (error) {
      throw this.failed(error, hint ? { ...this.context, hint } : this.context)
    }
  }

  /**
   * Like `send`, but an answer the error table handles as `expected` resolves to undefined. Not `send` and a catch:
   * `send` counts a failure in the `error` metric before the caller could call it success.
   */
  async sendUnless<T>(
    expected: Handling,
    method: Method,
    path: string,
    options: SendOptions
  ): Promise<ModifiedResponse<T> | undefined> {
    try {
      return await this.request<T>(`${this.hosts.api}${path}`, { method, ...options })
    } catch (error) {
      if (error instanceof HTTPError && handlingOf(readPardotAnswer(error.response as ModifiedResponse)) === expected)
        return undefined
      throw this.failed(error, this.context)
    }
  }

  /** The error to throw for a failed request, counted by the code it is classified as (no personal data). */
  private failed(error: unknown, context: RequestContext): Error {
    const answer = error instanceof HTTPError ? readPardotAnswer(error.response as ModifiedResponse) : undefined
    this.metrics.error(answer ? pardotCode(answer) : 'NO_ANSWER', answer?.status)
    return toPardotError(error, context)
  }
}
