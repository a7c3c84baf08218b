import type { ActionDefinition, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'

/**
 * The hosts Pardot and Salesforce requests go to, and how a definition made for other hosts (the local server's
 * sandbox) carries them to every PardotClient without each action threading them through.
 */

export interface PardotHosts {
  /** Pardot API v5 base URL. */
  api: string
  /** Salesforce OAuth base URL (token endpoint `/services/oauth2/token`). */
  login: string
}

export type Environment = 'production' | 'sandbox' | 'developerOrg'
/** The hosts of each kind of business unit; the settings' toggles pick one. */
export type PardotEnvironments = Record<Environment, PardotHosts>

export const HOSTS = {
  production: { api: 'https://pi.pardot.com', login: 'https://login.salesforce.com' },
  sandbox: { api: 'https://pi.demo.pardot.com', login: 'https://test.salesforce.com' },
  developerOrg: { api: 'https://pi.demo.pardot.com', login: 'https://login.salesforce.com' }
} as const satisfies PardotEnvironments

/**
 * The hosts a request client was bound to by `bindHosts`. A destination made by `createPardotDestination({ hosts })`
 * hands its handlers a request client bound to its hosts, so every PardotClient they create talks to those hosts
 * without each action threading them through; keyed weakly, so nothing outlives the call. A client the engine gave
 * directly (the shipped destination) has no entry and talks to the real hosts.
 */
const boundHosts = new WeakMap<RequestClient, PardotEnvironments>()

export function bindHosts(request: RequestClient, hosts: PardotEnvironments): RequestClient {
  const bound: RequestClient = (url, options) => request(url, options)
  boundHosts.set(bound, hosts)
  return bound
}

function environmentOf(settings: Pick<Settings, 'isSandbox' | 'isDeveloperOrg'>): Environment {
  return settings.isSandbox ? 'sandbox' : settings.isDeveloperOrg ? 'developerOrg' : 'production'
}

export function pardotHosts(
  request: RequestClient,
  settings: Pick<Settings, 'isSandbox' | 'isDeveloperOrg'>
): PardotHosts {
  return (boundHosts.get(request) ?? HOSTS)[environmentOf(settings)]
}

/**
 * What `createPardotDestination({ hosts })` does to each handler: the request client the engine hands it is bound to
 * the hosts first, so every PardotClient it creates talks to them. Everything else (fields, titles, syncMode) is the
 * action as shipped, so a redirected destination behaves exactly as the production one.
 */

type Handler<A extends unknown[], R> = (request: RequestClient, ...rest: A) => R

export function bound<A extends unknown[], R>(handler: Handler<A, R>, hosts: PardotEnvironments): Handler<A, R> {
  return (request, ...rest) => handler(bindHosts(request, hosts), ...rest)
}

/** A dropdown handler, or an object field's handlers by key (`__keys__`, `__values__`, one per property). */
type DynamicField = Handler<unknown[], unknown> | Record<string, Handler<unknown[], unknown> | undefined> | undefined
type DynamicFields = Record<string, DynamicField>

function boundDynamicField(field: DynamicField, hosts: PardotEnvironments): DynamicField {
  if (typeof field === 'function') return bound(field, hosts)
  if (!field) return field
  // An object field's dropdowns: one handler per key, plus `__keys__` and `__values__`.
  return Object.fromEntries(Object.entries(field).map(([key, handler]) => [key, handler && bound(handler, hosts)]))
}

export function boundAction<S, P, A>(
  action: ActionDefinition<S, P, A>,
  hosts: PardotEnvironments
): ActionDefinition<S, P, A> {
  const dynamicFields = action.dynamicFields as DynamicFields | undefined
  return {
    ...action,
    perform: bound(action.perform, hosts),
    ...(action.performBatch ? { performBatch: bound(action.performBatch, hosts) } : {}),
    ...(dynamicFields
      ? {
          dynamicFields: Object.fromEntries(
            Object.entries(dynamicFields).map(([key, field]) => [key, boundDynamicField(field, hosts)])
          ) as ActionDefinition<S, P, A>['dynamicFields']
        }
      : {})
  }
}
