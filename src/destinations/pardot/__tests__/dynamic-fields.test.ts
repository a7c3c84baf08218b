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
  it('offers the static lists by name, one page at a time, and hands the next page token to the UI', async () => {
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
      nextPage: 'page-2'
    })
    expect(headers).toMatchObject({ authorization: 'Bearer access-123', 'pardot-business-unit-id': BUSINESS_UNIT })
  })

  it('asks for the page the UI names, and ends without a next page', async () => {
    nock(PROD_API)
      .get(LISTS)
      .query({ fields: 'id,name,isDynamic', nextPageToken: 'page-2' })
      .reply(200, { values: [{ id: 1004, name: 'Webinar', isDynamic: false }], nextPageToken: null })

    expect(await listDropdown('page-2')).toEqual({
      choices: [{ label: 'Webinar', value: '1004', description: 'Static list, id 1004' }]
    })
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
