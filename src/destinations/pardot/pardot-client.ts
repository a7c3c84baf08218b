import {
  HTTPError,
  type ModifiedResponse,
  type OAuth2ClientCredentials,
  type RefreshAccessTokenResult,
  type RequestClient
} from '@segment/actions-core'
import type { Settings } from './generated-types'
import {
  handlingOf,
  isNotFound,
  oauthAnswerToError,
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
  type PardotList,
  type QueryPage
} from './pardot-client-lists'
import { IMPORTS_PATH, csvPart, multipart, type ImportAnswer } from './pardot-client-imports'
import { businessUnitId, checkSettings } from './settings'

/**
 * Everything that knows Pardot's and Salesforce's URLs and v5 request shapes.
 * Actions describe what to send; this module sends it and turns failures into actions-core errors.
 */

export interface PardotHosts {
  /** Pardot API v5 base URL. */
  api: string
  /** Salesforce OAuth base URL (token endpoint `/services/oauth2/token`). */
  login: string
}

export const HOSTS = {
  production: { api: 'https://pi.pardot.com', login: 'https://login.salesforce.com' },
  sandbox: { api: 'https://pi.demo.pardot.com', login: 'https://test.salesforce.com' },
  developerOrg: { api: 'https://pi.demo.pardot.com', login: 'https://login.salesforce.com' }
} as const satisfies Record<string, PardotHosts>

let localTarget: string | undefined

/**
 * Operator configuration for the local server, never reachable from settings: send every Pardot and
 * Salesforce request to `baseUrl` (the embedded sandbox), with the real host kept as the first path
 * segment so the sandbox can tell production from demo. `undefined` restores the real hosts.
 */
export function routeToLocalTarget(baseUrl: string | undefined): void {
  localTarget = baseUrl?.replace(/\/+$/, '')
}

export function pardotHosts(settings: Pick<Settings, 'isSandbox' | 'isDeveloperOrg'>): PardotHosts {
  const real = settings.isSandbox ? HOSTS.sandbox : settings.isDeveloperOrg ? HOSTS.developerOrg : HOSTS.production
  if (!localTarget) return real
  return { api: `${localTarget}/${new URL(real.api).host}`, login: `${localTarget}/${new URL(real.login).host}` }
}

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
}

/** One page of a v5 query: `nextPageUrl` is null on the last page. */
export const PROSPECTS_PATH = '/api/v5/objects/prospects'
export const UPSERT_BY_EMAIL_PATH = `${PROSPECTS_PATH}/do/upsertLatestByEmail`
export const EXTERNAL_ACTIVITIES_PATH = '/api/v5/external-activities'
export const TOKEN_PATH = '/services/oauth2/token'

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'
export type SendOptions = {
  json?: unknown
  searchParams?: Record<string, string>
  body?: string
  headers?: Record<string, string>
}

export class PardotClient {
  readonly hosts: PardotHosts
  readonly context: RequestContext

  /** Checks the settings first, so a misconfiguration never reaches the network. */
  constructor(
    private readonly request: RequestClient,
    settings: Settings
  ) {
    checkSettings(settings)
    this.hosts = pardotHosts(settings)
    this.context = {
      apiHost: this.hosts.api,
      businessUnitId: businessUnitId(settings),
      isSandbox: settings.isSandbox,
      isDeveloperOrg: settings.isDeveloperOrg
    }
  }

  // Prospects

  upsertProspectByEmail(body: UpsertByEmailBody) {
    return this.send<ProspectFields>('POST', UPSERT_BY_EMAIL_PATH, { json: body })
  }

  /**
   * One Upsert import of prospects in as few calls as the Import API allows: a single file is created and
   * submitted in one call (`status: "Ready"` with the file); more files are added as batches, then submitted.
   */
  async importProspects(files: string[], options: { restoreDeleted: boolean }): Promise<ImportAnswer> {
    const input = {
      operation: 'Upsert',
      object: 'Prospect',
      createOnNoMatch: true,
      restoreDeleted: options.restoreDeleted,
      ...(files.length === 1 ? { status: 'Ready' } : {})
    }
    const created = await this.send<ImportAnswer>(
      'POST',
      IMPORTS_PATH,
      multipart([{ name: 'input', contentType: 'application/json', content: JSON.stringify(input) }, csvPart(files[0])])
    )
    if (files.length === 1) return created.data
    const path = `${IMPORTS_PATH}/${created.data.id}`
    for (const file of files.slice(1)) await this.send('POST', `${path}/batches`, multipart([csvPart(file)]))
    return (await this.send<ImportAnswer>('PATCH', path, { json: { status: 'Ready' } })).data
  }

  /** PATCH: the fields given change, every other field stays as it is. */
  updateProspect(prospectId: number, fields: ProspectFields) {
    const operation: Operation = { kind: 'update-prospect', prospectId }
    return this.send<unknown>('PATCH', `${PROSPECTS_PATH}/${prospectId}`, { json: fields }, operation)
  }

  /** The ids of every prospect (not in the recycle bin) matching the filter, across all pages. */
  async findProspectIds(filter: { email: string } | { salesforceId: string }): Promise<number[]> {
    const prospects = await this.queryAll<{ id: number }>(PROSPECTS_PATH, { fields: 'id', ...filter })
    return prospects.map((p) => p.id)
  }

  /** Moves the prospect to the recycle bin; one already gone counts as done. */
  async deleteProspect(prospectId: number): Promise<void> {
    try {
      await this.send<unknown>('DELETE', `${PROSPECTS_PATH}/${prospectId}`, {})
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
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

  /** One page of the business unit's lists; `pageToken` is the previous page's `nextPageToken`. */
  listsPage(pageToken?: string): Promise<QueryPage<PardotList>> {
    return this.queryPage<PardotList>(LISTS_PATH, { fields: 'id,name,isDynamic' }, pageToken)
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

  private async send<T>(method: Method, path: string, options: SendOptions, operation?: Operation) {
    try {
      return await this.request<T>(`${this.hosts.api}${path}`, { method, ...options })
    } catch (error) {
      throw toPardotError(error, operation ? { ...this.context, operation } : this.context)
    }
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
      throw toPardotError(error, this.context)
    }
  }

  /**
   * A v5 query page. The next page is asked for with the same filters plus `nextPageToken`
   * (what Pardot's `nextPageUrl` holds), so it also works where only the token is read.
   */
  private async queryPage<T>(path: string, filters: Record<string, string>, pageToken?: string) {
    const searchParams = pageToken ? { ...filters, nextPageToken: pageToken } : filters
    const response = await this.send<Partial<QueryPage<T>>>('GET', path, { searchParams })
    return { values: response.data?.values ?? [], nextPageToken: response.data?.nextPageToken ?? null }
  }

  private async queryAll<T>(path: string, filters: Record<string, string>): Promise<T[]> {
    const all: T[] = []
    let token: string | null = null
    do {
      const page: QueryPage<T> = await this.queryPage<T>(path, filters, token ?? undefined)
      all.push(...page.values)
      token = page.nextPageToken
    } while (token)
    return all
  }
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
  const { login } = pardotHosts(settings)
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
