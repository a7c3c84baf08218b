import type { RequestInfo } from './http'

/**
 * The business unit a request is for, from its Pardot-Business-Unit-Id header. Endpoints ask only after api-gate.ts
 * has refused a missing or unknown one, so here it is always an id the sandbox holds.
 */
export function businessUnitOf(r: RequestInfo): string {
  return String(r.headers['pardot-business-unit-id'])
}
