import type { ActionDefinition, RequestClient } from '@segment/actions-core'
import { bindHosts, type PardotEnvironments } from './pardot-client'

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
