import nock from 'nock'
import { createTestIntegration } from '@segment/actions-core'
import definition from '../index'
import { auth, BUSINESS_UNIT, PROD_API, settings } from './helpers'

const testDestination = createTestIntegration(definition)

const LISTS = '/api/v5/objects/lists'
const CUSTOM_FIELDS = '/api/v5/objects/custom-fields'

const listDropdown = (page?: string, withSettings = settings) =>
  testDestination.testDynamicField('listMembership', 'listId', { settings: withSettings, auth, payload: {}, page })

const customFieldDropdown = () =>
  testDestination.testDynamicField('prospects', 'customFields.__keys__', { settings, auth, payload: {} })

const tokenInvalid = { code: 184, message: 'access_token is invalid, unknown, or malformed: Inactive token' }

describe('List dropdown (Update List Membership)', () => {
  it("offers the static lists by name, one page at a time, and hands Pardot's next page link to the UI", async () => {
    let headers: Record<string, string | string[]> = {}
    nock(PROD_API)
      .get(LISTS)
      .query({ fields: 'id,name,isDynamic' })
      .reply(function () {
        headers = this.req.headers
        return [
          200,
          {
            values: [
              { id: 1001, name: 'Newsletter', isDynamic: false },
              { id: 1003, name: 'Engaged', isDynamic: true },
              { id: 1002, name: 'Customers', isDynamic: false }
            ],
            nextPageToken: 'page-2',
            nextPageUrl: `${PROD_API}${LISTS}?nextPageToken=page-2`
          }
        ]
      })

    expect(await listDropdown()).toEqual({
      choices: [
        { label: 'Newsletter', value: '1001', description: 'Static list, id 1001' },
        { label: 'Customers', value: '1002', description: 'Static list, id 1002' }
      ],
      nextPage: `${LISTS}?nextPageToken=page-2`
    })
    expect(headers).toMatchObject({ authorization: 'Bearer access-123', 'pardot-business-unit-id': BUSINESS_UNIT })
  })

  it('asks for the page the UI names on the configured host, and ends without a next page', async () => {
    const scope = nock(PROD_API)
      .get(LISTS)
      .query({ nextPageToken: 'page-2' })
      .reply(200, { values: [{ id: 1004, name: 'Webinar', isDynamic: false }], nextPageToken: null, nextPageUrl: null })

    expect(await listDropdown(`${LISTS}?nextPageToken=page-2`)).toEqual({
      choices: [{ label: 'Webinar', value: '1004', description: 'Static list, id 1004' }]
    })
    expect(scope.isDone()).toBe(true)
  })

  it('hands the token to the UI when Pardot sends no next page link, and asks for it with the filters', async () => {
    nock(PROD_API)
      .get(LISTS)
      .query({ fields: 'id,name,isDynamic' })
      .reply(200, { values: [{ id: 1001, name: 'Newsletter', isDynamic: false }], nextPageToken: 'page-2' })
    expect(await listDropdown()).toMatchObject({ nextPage: 'page-2' })

    const second = nock(PROD_API)
      .get(LISTS)
      .query({ fields: 'id,name,isDynamic', nextPageToken: 'page-2' })
      .reply(200, { values: [], nextPageToken: null })
    expect(await listDropdown('page-2')).toEqual({ choices: [] })
    expect(second.isDone()).toBe(true)
  })

  it.each([
    [
      'Pardot is over its concurrency limit (code 66)',
      (scope: nock.Interceptor) => scope.reply(400, { code: 66, message: 'Too many concurrent requests' }),
      'Pardot answered (code 66, HTTP 400): Too many concurrent requests. More than 5 concurrent API requests for this business unit. Lower the number of parallel senders if this persists. Try again in a moment.'
    ],
    [
      'Pardot has a passing failure (code 183)',
      (scope: nock.Interceptor) =>
        scope.reply(400, { code: 183, message: 'An internal error occurred, please try your request again' }),
      'Pardot answered (code 183, HTTP 400): An internal error occurred, please try your request again. An internal error occurred in Pardot, which asks to try the request again. This is temporary on Pardot’s side. Try again in a moment.'
    ],
    [
      'Pardot gives no answer',
      (scope: nock.Interceptor) => scope.replyWithError('socket hang up'),
      'Pardot did not answer (request to https://pi.pardot.com/api/v5/objects/lists?fields=id%2Cname%2CisDynamic failed, reason: socket hang up). Try again in a moment.'
    ]
  ])('tells the user to try again, not that an event will be retried, when %s', async (_, answer, message) => {
    answer(nock(PROD_API).get(LISTS).query(true))
    expect(await listDropdown()).toEqual({ choices: [], error: { code: 'RETRYABLE_ERROR', message } })
  })

  it('shows an auth failure as the dropdown error instead of throwing', async () => {
    nock(PROD_API).get(LISTS).query(true).reply(401, tokenInvalid)

    const answer = await listDropdown()

    expect(answer).toEqual({
      choices: [],
      error: {
        code: 'INVALID_AUTHENTICATION',
        message: expect.stringContaining('Pardot answered (code 184, HTTP 401)') as string
      }
    })
  })

  it('shows a settings problem as the dropdown error, without a request', async () => {
    const answer = await listDropdown(undefined, { ...settings, businessUnitID: '0Uv123' })
    expect(answer).toEqual({
      choices: [],
      error: {
        code: 'INVALID_SETTINGS',
        message: expect.stringContaining('The Pardot Business Unit ID "0Uv123" is not valid') as string
      }
    })
  })
})

describe('Other Fields keys (Upsert Prospect)', () => {
  it('offers every custom field, all pages, as its __c key with name and type', async () => {
    nock(PROD_API)
      .get(CUSTOM_FIELDS)
      .query({ fields: 'id,name,fieldId,type' })
      .reply(200, {
        values: [
          { id: 1, name: 'Plan', fieldId: 'Plan', type: 'Text' },
          { id: 2, name: 'Seats', fieldId: 'Seats', type: 'Number' }
        ],
        nextPageToken: 'more'
      })
    nock(PROD_API)
      .get(CUSTOM_FIELDS)
      .query({ fields: 'id,name,fieldId,type', nextPageToken: 'more' })
      .reply(200, { values: [{ id: 4, name: 'Interests', fieldId: 'Interests', type: 'Multi-Select' }] })

    expect(await customFieldDropdown()).toEqual({
      choices: [
        { label: 'Plan (Plan__c, Text)', value: 'Plan__c', description: 'Text custom field', type: 'string' },
        { label: 'Seats (Seats__c, Number)', value: 'Seats__c', description: 'Number custom field', type: 'number' },
        {
          label: 'Interests (Interests__c, Multi-Select)',
          value: 'Interests__c',
          description: 'Multi-Select custom field',
          type: 'string'
        }
      ]
    })
    expect(nock.pendingMocks()).toEqual([])
  })

  it('shows an auth failure as the dropdown error instead of throwing', async () => {
    nock(PROD_API).get(CUSTOM_FIELDS).query(true).reply(401, tokenInvalid)

    expect(await customFieldDropdown()).toEqual({
      choices: [],
      error: {
        code: 'INVALID_AUTHENTICATION',
        message: expect.stringContaining('reconnect the destination') as string
      }
    })
  })

  it('shows a wrong business unit with the host and toggle to check', async () => {
    nock(PROD_API)
      .get(CUSTOM_FIELDS)
      .query(true)
      .reply(400, { code: 201, message: 'Business Unit ID specified in Pardot-Business-Unit-Id header not found' })

    const answer = await customFieldDropdown()

    expect(answer).toMatchObject({ choices: [], error: { code: 'PARDOT_201' } })
    expect((answer as { error: { message: string } }).error.message).toContain('turn on Sandbox Instance')
  })
})
