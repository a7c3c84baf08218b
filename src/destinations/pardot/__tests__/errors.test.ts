import nock from 'nock'
import {
  createTestEvent,
  createTestIntegration,
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError
} from '@segment/actions-core'
import definition from '../index'
import { handlingOf, PARDOT_ERROR_TABLE } from '../errors'
import { auth, BUSINESS_UNIT, DEMO_API, PROD_API, settings, UPSERT } from './helpers'
import type { Settings } from '../generated-types'

const testDestination = createTestIntegration(definition)

function upsert(withSettings: Settings = settings) {
  return testDestination.testAction('prospects', {
    event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
    settings: withSettings,
    auth,
    useDefaultMappings: true
  })
}

type ErrorClass = typeof RetryableError | typeof InvalidAuthenticationError | typeof IntegrationError

// One row per row of the error table in docs/pardot-api.md ("Error codes"):
// [Pardot code, HTTP status Pardot used, error class, status the engine sees, words the user must read]
const table: [number, number, ErrorClass, number, string][] = [
  [66, 400, RetryableError, 429, 'More than 5 concurrent API requests'],
  [122, 400, RetryableError, 429, 'daily API call limit'],
  [202, 400, RetryableError, 429, 'per-minute API rate limit'],
  [85, 500, RetryableError, 503, 'could not save the prospect'],
  [116, 400, RetryableError, 503, 'request was outdated'],
  [120, 400, RetryableError, 503, 'verify its Salesforce connector'],
  [121, 400, RetryableError, 503, 'sync the prospect with Salesforce'],
  [183, 400, RetryableError, 503, 'An internal error occurred in Pardot, which asks to try the request again'],
  [214, 400, RetryableError, 503, 'timed out inside Pardot'],
  [160, 400, RetryableError, 429, '10 batches per import'],
  [164, 400, RetryableError, 429, '1,000 batches a day'],
  [184, 401, InvalidAuthenticationError, 401, 'lacks the pardot_api scope'],
  [49, 403, IntegrationError, 403, 'not valid for this business unit'],
  [181, 400, IntegrationError, 400, 'Pardot-Business-Unit-Id'],
  [182, 400, IntegrationError, 400, '18 characters starting with 0Uv'],
  [201, 400, IntegrationError, 400, `Pardot did not find business unit ${BUSINESS_UNIT} at https://pi.pardot.com`],
  [4, 400, IntegrationError, 400, 'Map Email Address to a valid address'],
  [56, 400, IntegrationError, 400, 'not a valid number'],
  [57, 400, IntegrationError, 400, 'YYYY-MM-DD'],
  [150, 400, IntegrationError, 400, 'not valid JSON'],
  [151, 400, IntegrationError, 400, 'content type'],
  [152, 400, IntegrationError, 400, 'body is empty'],
  [153, 400, IntegrationError, 400, 'required property is missing'],
  [154, 400, IntegrationError, 400, 'a mapped value it does not take (text fields hold at most 255 characters)'],
  [180, 400, IntegrationError, 400, 'cannot be written in this operation'],
  [219, 400, IntegrationError, 400, 'recycle bin'],
  [13, 400, IntegrationError, 400, 'required parameter is missing'],
  [209, 400, IntegrationError, 400, 'filters on more than 3 fields'],
  [227, 400, IntegrationError, 400, 'does not match its field options'],
  [109, 404, IntegrationError, 404, 'record was not found']
]

function externalActivity() {
  return testDestination.testAction('externalActivity', {
    event: createTestEvent({ type: 'track', properties: { email: 'ann@example.com' } }),
    settings,
    auth,
    mapping: { extension: 'Segment_Events', type: 'Webinar_Attended' },
    useDefaultMappings: true
  })
}

describe('every Pardot error code becomes the right error', () => {
  it('covers every row of the module table (and nothing the table lacks)', () => {
    const tested = new Set(table.map(([code]) => code))
    const untested = Object.keys(PARDOT_ERROR_TABLE)
      .map(Number)
      .filter((code) => code !== 58 && !tested.has(code))
    expect(untested).toEqual([])
  })

  it.each(table)('code %i (HTTP %i)', async (code, httpStatus, errorClass, status, words) => {
    nock(PROD_API)
      .post(UPSERT)
      .reply(httpStatus, { code, message: `Pardot says ${code}` })
    const error = await upsert().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(errorClass)
    expect(error).toMatchObject({ status })
    const message = (error as Error).message
    expect(message).toContain(`Pardot answered (code ${code}, HTTP ${httpStatus}): Pardot says ${code}.`)
    expect(message).toContain(words)
  })

  // 401 is left out: whatever the code, it means the token, and the engine refreshes on it.
  it.each([183, 85, 214].flatMap((code) => [400, 403, 404, 405, 409, 422].map((status) => [code, status])))(
    'code %i is retried, whatever HTTP 4xx status it came with (%i)',
    async (code, httpStatus) => {
      nock(PROD_API)
        .post(UPSERT)
        .reply(httpStatus, { code, message: 'An internal error occurred, please try your request again' })
      const error = await upsert().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(RetryableError)
      expect(error).toMatchObject({ status: 503 })
    }
  )

  it('gives codes outside the registry (229) or outside the table no meaning: Pardot’s words, by HTTP status', async () => {
    nock(PROD_API).post(UPSERT).reply(400, { code: 229, message: 'Something else' })
    await expect(upsert()).rejects.toMatchObject({
      status: 400,
      code: 'PARDOT_229',
      message: 'Pardot answered (code 229, HTTP 400): Something else.'
    })
  })

  it('reads 228 (the Import API’s "mixed API versions") as no external-activity setup answer', async () => {
    nock(PROD_API).post('/api/v5/external-activities').reply(400, { code: 228, message: 'Something else' })
    await expect(externalActivity()).rejects.toMatchObject({
      status: 400,
      message: 'Pardot answered (code 228, HTTP 400): Something else.'
    })
  })

  it('code 58 (already on the list) counts as success', () => {
    expect(handlingOf({ status: 400, format: 'json', code: 58 })).toBe('success')
  })

  it('keeps the field name of an invalid property visible (code 154)', async () => {
    nock(PROD_API).post(UPSERT).reply(400, { code: 154, message: 'Invalid property specified: Plann__c' })
    await expect(upsert()).rejects.toThrow(
      'Pardot answered (code 154, HTTP 400): Invalid property specified: Plann__c. A property in the request is not valid (a name or a value Pardot does not take).'
    )
  })

  it('keeps a token error a 401 even when Pardot answers it with HTTP 400', async () => {
    nock(PROD_API).post(UPSERT).reply(400, { code: 184, message: 'access_token is invalid' })
    await expect(upsert()).rejects.toMatchObject({ status: 401 })
  })

  it('says where it looked when a sandbox business unit is not found', async () => {
    nock(DEMO_API).post(UPSERT).reply(400, { code: 201, message: 'Business Unit not found' })
    await expect(upsert({ ...settings, isSandbox: true })).rejects.toThrow(
      `Pardot did not find business unit ${BUSINESS_UNIT} at https://pi.demo.pardot.com, or it is inactive. Sandbox Instance is on, so requests go to the demo host; if this business unit is in a production org, turn Sandbox Instance off.`
    )
  })

  it('carries an unknown code with its message as a final error', async () => {
    nock(PROD_API).post(UPSERT).reply(400, { code: 999, message: 'Something new' })
    const error = await upsert().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).toMatchObject({
      status: 400,
      code: 'PARDOT_999',
      message: 'Pardot answered (code 999, HTTP 400): Something new.'
    })
  })
})

describe('answers without a v5 JSON code', () => {
  it('reads the code from an XML answer', async () => {
    nock(PROD_API)
      .post(UPSERT)
      .reply(400, '<?xml version="1.0"?><rsp stat="fail" version="1.0"><err code="66">Too many requests</err></rsp>', {
        'Content-Type': 'application/xml'
      })
    await expect(upsert()).rejects.toMatchObject({ status: 429, constructor: RetryableError })
  })

  it('explains business unit and host for an XML 403 without a known code', async () => {
    nock(PROD_API)
      .post(UPSERT)
      .reply(403, '<rsp stat="fail"><err code="10">Invalid Business Unit</err></rsp>', { 'Content-Type': 'text/xml' })
    const error = await upsert().catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 403 })
    expect((error as Error).message).toContain('Pardot answered (code 10, HTTP 403): Invalid Business Unit.')
    expect((error as Error).message).toContain(
      'if this business unit is in a Salesforce sandbox turn on Sandbox Instance'
    )
  })

  it.each([
    [500, 'text/html', '<html>oops</html>', 500],
    [502, 'text/html', 'Bad Gateway', 502],
    [503, 'text/plain', '', 503],
    [501, 'text/plain', '', 503],
    [429, 'text/plain', '', 429],
    [408, 'text/plain', '', 408]
  ])('retries HTTP %i with no code', async (httpStatus, contentType, body, status) => {
    nock(PROD_API).post(UPSERT).reply(httpStatus, body, { 'Content-Type': contentType })
    await expect(upsert()).rejects.toMatchObject({ status, constructor: RetryableError })
  })

  it('explains business unit and host for an XML 400 without a known code', async () => {
    nock(PROD_API)
      .post(UPSERT)
      .reply(400, '<rsp stat="fail"><err code="10">Invalid Business Unit</err></rsp>', { 'Content-Type': 'text/xml' })
    const error = await upsert().catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 400, code: 'PARDOT_10' })
    expect((error as Error).message).toContain(
      `Pardot did not find business unit ${BUSINESS_UNIT} at https://pi.pardot.com`
    )
  })

  it('keeps the text and the business unit hint of an XML 403 with no code at all', async () => {
    nock(PROD_API)
      .post(UPSERT)
      .reply(
        403,
        '<?xml version="1.0"?><rsp stat="fail"><err>Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.</err></rsp>',
        { 'Content-Type': 'text/xml' }
      )
    const error = await upsert().catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 403, code: 'PARDOT_HTTP_403' })
    expect((error as Error).message).toContain(
      'Pardot answered (HTTP 403): Business Unit specified in Pardot-Business-Unit-Id header not found or inactive.'
    )
    expect((error as Error).message).toContain('turn on Sandbox Instance')
  })

  it('keeps a short plain-text answer in the message, but not an HTML page', async () => {
    nock(PROD_API).post(UPSERT).reply(405, 'Method Not Allowed', { 'Content-Type': 'text/plain' })
    expect(await upsert().catch((e: Error) => e.message)).toContain('Pardot answered (HTTP 405): Method Not Allowed.')
    nock(PROD_API)
      .post(UPSERT)
      .reply(404, '<html><body><h1>Not Found</h1></body></html>', { 'Content-Type': 'text/html' })
    expect(await upsert().catch((e: Error) => e.message)).toMatch(/^Pardot answered \(HTTP 404\)\. /)
  })

  it.each([
    [150, 'Malformed'],
    [4, 'Invalid prospect email address'],
    [109, 'Record not found']
  ])('retries a 5xx even when it carries the final code %i', async (code, message) => {
    nock(PROD_API).post(UPSERT).reply(500, { code, message })
    const error = await upsert().catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 500, constructor: RetryableError })
    expect((error as Error).message).toBe(
      `Pardot answered (code ${code}, HTTP 500): ${message}. Pardot is temporarily unavailable. The event will be retried.`
    )
  })

  it.each([null, '', true, '12a'])('does not read %p as a Pardot code', async (code) => {
    nock(PROD_API).post(UPSERT).reply(400, { code, message: 'Something odd' })
    await expect(upsert()).rejects.toMatchObject({ status: 400, code: 'PARDOT_HTTP_400' })
  })

  it('keeps a bare HTTP 401 a 401', async () => {
    nock(PROD_API).post(UPSERT).reply(401, '')
    await expect(upsert()).rejects.toMatchObject({ status: 401, constructor: InvalidAuthenticationError })
  })

  it('fails finally on a bare 4xx, with the status', async () => {
    nock(PROD_API).post(UPSERT).reply(405, 'Method Not Allowed', { 'Content-Type': 'text/plain' })
    await expect(upsert()).rejects.toMatchObject({ status: 405, code: 'PARDOT_HTTP_405' })
  })

  it('retries when the connection fails before an answer', async () => {
    nock(PROD_API).post(UPSERT).replyWithError('socket hang up')
    const error = await upsert().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect((error as Error).message).toContain('Pardot did not answer (')
    expect((error as Error).message).toContain('socket hang up')
  })
})
