import { InvalidAuthenticationError, IntegrationError, RetryableError } from '@segment/actions-core'
import { oauthAnswerToError, pardotAnswerToError } from '../errors'
import { stopsTheBatch } from '../prospects/batch-answers'
import { isRetryableStatus } from '../retryable-status'

const context = { apiHost: 'https://pi.pardot.com', businessUnitId: '0Uv000000000000AAA' }
const statuses = Array.from({ length: 200 }, (_, i) => 400 + i)

/** What each bare status (no Pardot code) became before isRetryableStatus was the one rule; only 423 changed. */
function before(status: number): { kind: 'retry' | 'final' | 'refresh' | 'not-found'; status: number } {
  const carried = [408, 423, 429, 500, 502, 503, 504]
  if (status === 401) return { kind: 'refresh', status: 401 }
  if (status >= 500 || status === 408 || status === 429 || status === 423) {
    return { kind: 'retry', status: carried.includes(status) ? status : 503 }
  }
  if (status === 404) return { kind: 'not-found', status: 404 }
  return { kind: 'final', status: carried.includes(status) ? 400 : status }
}

const classOf = { retry: RetryableError, final: IntegrationError, refresh: InvalidAuthenticationError }

describe('one rule for retryable statuses', () => {
  it('is 5xx, 408, 423 and 429', () => {
    expect(statuses.filter(isRetryableStatus).filter((s) => s < 500)).toEqual([408, 423, 429])
    expect(statuses.filter((s) => s >= 500).every(isRetryableStatus)).toBe(true)
  })

  it.each(statuses)('classifies a bare HTTP %i as before (423 now retried)', (status) => {
    const error = pardotAnswerToError({ status, format: 'other' }, context)
    const expected = before(status)
    expect(error).toBeInstanceOf(expected.kind === 'not-found' ? IntegrationError : classOf[expected.kind])
    expect(error).toMatchObject({ status: expected.status })
  })

  it('keeps an unusual 5xx (501, 505) as 503 and a common one as it came', () => {
    expect(pardotAnswerToError({ status: 501, format: 'json', code: 4 }, context)).toMatchObject({ status: 503 })
    expect(pardotAnswerToError({ status: 505, format: 'other' }, context)).toMatchObject({ status: 503 })
    expect(pardotAnswerToError({ status: 504, format: 'other' }, context)).toMatchObject({ status: 504 })
  })

  it('gives a final code that came with a retryable 4xx status 400', () => {
    expect(pardotAnswerToError({ status: 429, format: 'json', code: 4 }, context)).toMatchObject({ status: 400 })
  })

  it('retries a token refresh Salesforce answered with a retryable status, 423 included', () => {
    for (const status of [408, 423, 429, 500, 503]) {
      const error = oauthAnswerToError({ status, data: {}, content: '' }, 'https://login.salesforce.com', [])
      expect(error).toBeInstanceOf(RetryableError)
    }
    const refused = oauthAnswerToError({ status: 400, data: { error: 'x' }, content: '' }, 'https://login', [])
    expect(refused).toBeInstanceOf(InvalidAuthenticationError)
  })

  it('stops a batch on a retryable status or a refused token, as before', () => {
    const stops = statuses.filter((status) => stopsTheBatch({ status }))
    expect(stops).toEqual(statuses.filter((s) => s === 401 || s === 408 || s === 423 || s === 429 || s >= 500))
    expect(stopsTheBatch(new Error('no status'))).toBe(true)
  })
})
