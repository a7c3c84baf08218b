import nock from 'nock'
import type { Settings } from '../generated-types'

export const BUSINESS_UNIT = '0Uv000000000001AAA'
export const settings: Settings = { businessUnitID: BUSINESS_UNIT, accountID: '123', isSandbox: false }
export const auth = { accessToken: 'access-123', refreshToken: 'refresh-456' }

export const PROD_API = 'https://pi.pardot.com'
export const DEMO_API = 'https://pi.demo.pardot.com'
export const UPSERT = '/api/v5/objects/prospects/do/upsertLatestByEmail'

/** Pardot's upsert endpoint on `host`, recording the body it received. */
export function upsertScope(host = PROD_API) {
  const received: { body?: unknown; headers?: Record<string, string | string[]> } = {}
  const scope = nock(host)
    .post(UPSERT, (body: unknown) => {
      received.body = body
      return true
    })
    .reply(function () {
      received.headers = this.req.headers
      return [201, { id: 42, email: 'ann@example.com' }]
    })
  return { scope, received }
}

/** A v5 error answer: `{code, message}` as JSON. */
export function pardotFails(status: number, code: number, message: string, host = PROD_API) {
  return nock(host).post(UPSERT).reply(status, { code, message })
}
