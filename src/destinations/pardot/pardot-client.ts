import {
  HTTPError,
  IntegrationError,
  RetryableError,
  type ModifiedResponse,
  type OAuth2ClientCredentials,
  type RefreshAccessTokenResult,
  type RequestClient,
  type StatsContext
} from '@segment/actions-core'
import type { Settings } from './generated-types'
import {
  handlingOf,
  oauthAnswerToError,
  pardotCode,
  readPardotAnswer,
  toPardotError,
  type Handling,
  type Operation,
  type RequestContext
} from './errors'
import {
  CUSTOM_FIELDS_PATH,
  LIST_MEMBERSHIPS_PATH,
  LISTS_PATH,
  type CustomField,
  type ListMembership,
  type ListMembershipBody,
  type NewList,
  type NextPage,
  type PardotList,
  type QueryAnswer,
  type QueryPage
} from './pardot-client-lists'
import { checkEmail } from './email'
import { pardotHosts, type PardotHosts } from './hosts'
import { Metrics } from './metrics'
import { businessUnitId, checkSettings } from './settings'
import { PARDOT_API_PREFIX } from './versioning-info'

/**
 * Everything that knows Pardot's and Salesforce's URLs and v5 request shapes.
 * Actions describe what to send; this module sends it and turns failures into actions-core errors.
 */

export type ProspectValue = string | number | boolean | null
export type ProspectFields = Record<string, ProspectValue>

export interface UpsertByEmailBody {
  matchEmail: string
  prospect: ProspectFields
  secondaryDeletedSearch?: boolean
  fields?: string[]
}

export interface ExternalActivityBody {
  extension: string
  type: string
  value: string
  email: string
  /** ISO-8601 with an offset: when the activity happened (Pardot uses the time it arrives when absent). */
  activityDate?: string
}

export const PROSPECTS_PATH = `${PARDOT_API_PREFIX}/objects/prospects`
export const UPSERT_BY_EMAIL_PATH = `${PROSPECTS_PATH}/do/upsertLatestByEmail`
export const EXTERNAL_ACTIVITIES_PATH = `${PARDOT_API_PREFIX}/external-activities`
export const TOKEN_PATH = '/services/oauth2/token'

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

  // Prospects

  async upsertProspectByEmail(body: UpsertByEmailBody) {
    const response = await this.send<ProspectFields>('POST', UPSERT_BY_EMAIL_PATH, { json: body })
    this.metrics.upserted()
    return response
  }

  /**
   * PATCH: the fields given change, every other field stays as it is. `salesforceId`: the prospect was found by
   * that Salesforce ID (not mapped by its own id), which changes what a "not found" or "deleted" answer means.
   */
  updateProspect(prospectId: number, fields: ProspectFields, salesforceId?: string) {
    const operation: Operation = { kind: 'update-prospect', prospectId, ...(salesforceId ? { salesforceId } : {}) }
    return this.send<unknown>('PATCH', `${PROSPECTS_PATH}/${prospectId}`, { json: fields }, operation)
  }

  /**
   * The ids of every prospect (not in the recycle bin) matching the filter, across all pages. By email, only the
   * prospects whose answered email is exactly the one asked for (case-sensitive, as Pardot matches): callers
   * delete and remove what this returns, so a filter Pardot ignored or read loosely must not widen it.
   */
  async findProspectIds(filter: { email: string } | { salesforceId: string }): Promise<number[]> {
    if ('salesforceId' in filter) {
      const found = await this.queryAll<{ id: number }>(PROSPECTS_PATH, { fields: 'id', ...filter })
      return found.map((p) => p.id).filter(isId)
    }
    const { email } = filter
    checkEmail(email)
    const found = await this.queryAll<{ id: number; email?: unknown }>(PROSPECTS_PATH, { fields: 'id,email', email })
    return found
      .filter((p) => p.email === email)
      .map((p) => p.id)
      .filter(isId)
  }

  /**
   * Moves the prospect to the recycle bin; one already gone counts as done. `sendUnless`, not `send` and a catch:
   * `send` counts a failure in the `error` metric before the caller could call it success.
   */
  async deleteProspect(prospectId: number): Promise<void> {
    await this.sendUnless<unknown>('not-found', 'DELETE', `${PROSPECTS_PATH}/${prospectId}`, {})
  }

  // External activities

  createExternalActivity(body: ExternalActivityBody) {
    const operation: Operation = { kind: 'external-activity', extension: body.extension, type: body.type }
    return this.send<unknown>('POST', EXTERNAL_ACTIVITIES_PATH, { json: body }, operation)
  }

  /** The list with that id, or undefined when this business unit has none. */
  async getList(id: number): Promise<PardotList | undefined> {
    const response = await this.sendUnless<PardotList>('not-found', 'GET', `${LISTS_PATH}/${id}`, {
      searchParams: { fields: 'id,name,isDynamic' }
    })
    return response?.data
  }

  /**
   * One page of the business unit's lists. `page` is the previous page's `nextPage`: the path and query of
   * Pardot's nextPageUrl, or its token when Pardot sent no URL (opaque to the mapping UI, which hands it back).
   */
  async listsPage(page?: string): Promise<{ values: PardotList[]; nextPage?: string }> {
    const after = page === undefined ? undefined : page.startsWith(V5_PREFIX) ? { path: page } : { token: page }
    const { values, next } = await this.queryPage<PardotList>(LISTS_PATH, { fields: 'id,name,isDynamic' }, after)
    return next ? { values, nextPage: 'path' in next ? next.path : next.token } : { values }
  }

  /** Every list of the business unit, all pages read (with queryAll's loop and page-count guards) before any is used. */
  allLists(): Promise<PardotList[]> {
    return this.queryAll<PardotList>(LISTS_PATH, { fields: 'id,name,isDynamic' })
  }

  /** A new static list; the answer holds its id, name and kind. */
  async createList(body: NewList): Promise<PardotList> {
    const response = await this.send<PardotList>('POST', LISTS_PATH, {
      json: body,
      searchParams: { fields: 'id,name,isDynamic' }
    })
    return response.data
  }

  customFields(): Promise<CustomField[]> {
    return this.queryAll<CustomField>(CUSTOM_FIELDS_PATH, { fields: 'id,name,fieldId,type' })
  }

  listMemberships(listId: number, prospectId: number): Promise<ListMembership[]> {
    return this.queryAll<ListMembership>(LIST_MEMBERSHIPS_PATH, {
      fields: 'id,listId,prospectId',
      listId: String(listId),
      prospectId: String(prospectId)
    })
  }

  /** Pardot's "already on that list" (code 58) is the outcome we wanted, not a failure. */
  async addListMembership(body: ListMembershipBody): Promise<'added' | 'already-member'> {
    const response = await this.sendUnless('success', 'POST', LIST_MEMBERSHIPS_PATH, {
      json: body,
      searchParams: { fields: 'id' }
    })
    return response ? 'added' : 'already-member'
  }

  /** A membership that is already gone (removed meanwhile) is the outcome we wanted. */
  async removeListMembership(id: number): Promise<'removed' | 'absent'> {
    const response = await this.sendUnless('not-found', 'DELETE', `${LIST_MEMBERSHIPS_PATH}/${id}`, {})
    return response ? 'removed' : 'absent'
  }

  /** The cheapest authenticated v5 read: proves host, business unit, token and scope at once. */
  probe() {
    return this.send<unknown>('GET', PROSPECTS_PATH, { searchParams: { fields: 'id', limit: '1' } })
  }

  /** Every request to Pardot goes through here (the Import API calls in pardot-client-imports.ts too). */
  async send<T>(method: Method, path: string, options: SendOptions, operation?: Operation) {
    try {
      return await this.request<T>(`${this.hosts.api}${path}`, { method, ...options })
    } catch (error) {
      throw this.failed(error, operation ? { ...this.context, operation } : this.context)
    }
  }

  /** The error to throw for a failed request, counted by the code it is classified as (no personal data). */
  private failed(error: unknown, context: RequestContext): Error {
    const answer = error instanceof HTTPError ? readPardotAnswer(error.response as ModifiedResponse) : undefined
    this.metrics.error(answer ? pardotCode(answer) : 'NO_ANSWER', answer?.status)
    return toPardotError(error, context)
  }

  /** Like `send`, but an answer the error table handles as `expected` resolves to undefined. */
  private async sendUnless<T>(
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

  /**
   * One page of a v5 query: the first with `filters`; a later one at the path and query of Pardot's nextPageUrl,
   * asked for on our own API host (the URL's host is never used: the token and business unit go only to the
   * configured host), or, when Pardot gave no usable URL, with the token and `fields` alone: v5 refuses any other
   * parameter beside a token, because the token already holds the query (docs/pardot-api.md, "Paging").
   */
  private async queryPage<T>(path: string, filters: Record<string, string>, next?: NextPage): Promise<QueryPage<T>> {
    const response =
      next && 'path' in next
        ? await this.send<QueryAnswer<T>>('GET', v5PathAndQuery(next.path) ?? badNextPage(path, next.path), {})
        : await this.send<QueryAnswer<T>>('GET', path, {
            searchParams: next ? { fields: filters.fields, nextPageToken: next.token } : filters
          })
    const answer = response.data as QueryAnswer<T> | undefined
    const values = Array.isArray(answer?.values) ? answer.values : []
    const url = typeof answer?.nextPageUrl === 'string' && answer.nextPageUrl !== '' ? answer.nextPageUrl : undefined
    const token =
      typeof answer?.nextPageToken === 'string' && answer.nextPageToken !== '' ? answer.nextPageToken : undefined
    const nextPath = url === undefined ? undefined : v5PathAndQuery(url)
    if (nextPath !== undefined) return { values, next: { path: nextPath } }
    if (token !== undefined) return { values, next: { token } }
    // A next page we cannot reach must not pass for the last one: deleting what a partial answer holds is wrong.
    if (url !== undefined) badNextPage(path, url)
    return { values }
  }

  /** Every page of a query, read before the caller acts on any; a paging that does not end is an error. */
  private async queryAll<T>(path: string, filters: Record<string, string>): Promise<T[]> {
    const all: T[] = []
    const seen = new Set<string>()
    let next: NextPage | undefined
    for (let pages = 1; ; pages++) {
      const page: QueryPage<T> = await this.queryPage<T>(path, filters, next)
      all.push(...page.values)
      if (!page.next) return all
      next = page.next
      const key = 'path' in next ? `url ${next.path}` : `token ${next.token}`
      if (seen.has(key)) {
        throw new RetryableError(
          `Pardot's paging of ${path} went in a circle: page ${pages} named as the next page one that was already read. Reading stopped there rather than act on a partial answer; the event will be retried.`,
          502
        )
      }
      seen.add(key)
      if (pages >= MAX_QUERY_PAGES) {
        throw new IntegrationError(
          `Pardot's answer to ${path} ran past ${MAX_QUERY_PAGES} pages, far more than any query of this destination should return. Reading stopped there rather than act on a partial answer.`,
          'PARDOT_TOO_MANY_PAGES',
          400
        )
      }
    }
  }
}

const V5_PREFIX = `${PARDOT_API_PREFIX}/`
/** 1,000 pages of up to 200 records: no query of this destination (one email, one list) comes near it. */
const MAX_QUERY_PAGES = 1000

/**
 * The path and query of a next-page URL, when its path is on Pardot API v5; undefined otherwise. Only these are
 * kept (a relative URL resolves against a placeholder host that is then dropped), and the URL parser has already
 * resolved any `..` in the path, so what is asked for stays under /api/v5/ on our host.
 */
function v5PathAndQuery(url: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url, 'https://next-page.invalid')
  } catch {
    return undefined
  }
  return parsed.pathname.startsWith(V5_PREFIX) ? `${parsed.pathname}${parsed.search}` : undefined
}

function badNextPage(path: string, url: string): never {
  const shown = url.length > 120 ? `${url.slice(0, 120)}…` : url
  throw new RetryableError(
    `Pardot answered ${path} with a next page that is not a Pardot API v5 address ("${shown}"), so it was not followed. Reading stopped there rather than act on a partial answer; the event will be retried.`,
    502
  )
}

function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0
}

interface TokenAnswer {
  access_token?: string
  refresh_token?: string
}

/** The refresh_token grant against the login host that matches the settings. */
export async function refreshAccessToken(
  request: RequestClient,
  settings: Settings,
  auth: OAuth2ClientCredentials
): Promise<RefreshAccessTokenResult> {
  checkSettings(settings)
  const { login } = pardotHosts(request, settings)
  const secrets = [auth.refreshToken, auth.clientSecret, auth.accessToken]
  let response
  try {
    response = await request<TokenAnswer>(`${login}${TOKEN_PATH}`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: auth.refreshToken,
        client_id: auth.clientId,
        client_secret: auth.clientSecret
      }),
      throwHttpErrors: false
    })
  } catch (error) {
    throw oauthAnswerToError(undefined, login, secrets, error)
  }
  const accessToken = response.data?.access_token
  if (response.status >= 200 && response.status < 300 && accessToken) {
    const refreshToken = response.data.refresh_token
    return refreshToken ? { accessToken, refreshToken } : { accessToken }
  }
  throw oauthAnswerToError(response, login, secrets)
}
