import { checkConfig, ConfigError } from './config-check'
import { PardotFault, type RequestInfo, type SandboxRouter } from './http'
import { type Reply } from '../http/reply'
import type { PardotSandbox } from './index'

/**
 * The sandbox's own routes (`/sandbox/…`), for tests, the bench and the local server's operator: what it holds, its
 * counters, and switches (reset, config, expire tokens). Not Pardot's, so not counted as calls.
 */
export function adminRoutes(router: SandboxRouter, sandbox: PardotSandbox): void {
  const businessUnitId = (r: RequestInfo) => r.query.get('businessUnitId') ?? undefined
  router
    .add('GET', '/sandbox/prospects', (r) => ({ status: 200, body: sandbox.prospects(businessUnitId(r)) }))
    .add('GET', '/sandbox/external-activities', () => ({
      status: 200,
      body: sandbox.state.externalActivities.recorded
    }))
    .add('GET', '/sandbox/list-memberships', (r) => ({
      status: 200,
      body: sandbox.listMemberships(businessUnitId(r))
    }))
    .add('POST', '/sandbox/reset', () => {
      sandbox.state.reset()
      return { status: 204 }
    })
    .add('GET', '/sandbox/stats', () => ({ status: 200, body: sandbox.stats() }))
    .add('POST', '/sandbox/config', (r) => configureFrom(sandbox, r))
    .add('POST', '/sandbox/expire-tokens', () => {
      sandbox.state.tokens.expireAccessTokens()
      return { status: 204 }
    })
}

/** Every value checked before any is applied, so a refused body changes nothing. */
function configureFrom(sandbox: PardotSandbox, r: RequestInfo): Reply {
  try {
    sandbox.configure(checkConfig(r.json()))
    return { status: 204 }
  } catch (error) {
    if (error instanceof ConfigError) return { status: 400, body: { field: error.field, message: error.message } }
    if (error instanceof PardotFault) return { status: 400, body: { message: 'The body is not valid JSON.' } }
    throw error
  }
}
