import { Destination, type DecoratedResponse, type DestinationDefinition } from '@segment/actions-core'
import type { Credentials } from './deliver'
import { currentAttempt } from './watch'

const destinations = new WeakMap<DestinationDefinition<unknown>, Destination<unknown>>()

/**
 * One `Destination` per definition, shared by every call: building one compiles each action's schemas, which cost
 * as much as a small delivery. The engine keeps every response a `Destination` sees for its whole life, so that
 * record is replaced by one per attempt (`AttemptHooks.record`), which each call keeps only to its answer's bound.
 */
export function destinationFor(definition: DestinationDefinition<unknown>): Destination<unknown> {
  let destination = destinations.get(definition)
  if (!destination) {
    destination = new Destination(definition)
    for (const action of Object.values(destination.actions)) {
      action.removeAllListeners('response')
      // Emitted inside the request's own hooks, so the attempt that made the request is the one running.
      action.on('response', (response: DecoratedResponse) => currentAttempt()?.hooks.record?.(response))
    }
    destinations.set(definition, destination)
  }
  return destination
}

/** The engine's `oauth` settings, reading and writing `credentials` itself. */
export function liveOAuth(credentials: Credentials) {
  return {
    get access_token() {
      return credentials.accessToken
    },
    set access_token(token: string | undefined) {
      credentials.accessToken = token
    },
    get refresh_token() {
      return credentials.refreshToken
    },
    set refresh_token(token: string | undefined) {
      credentials.refreshToken = token
    },
    clientId: credentials.clientId,
    clientSecret: credentials.clientSecret
  }
}
