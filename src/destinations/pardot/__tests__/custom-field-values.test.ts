import nock from 'nock'
import {
  createTestEvent,
  createTestIntegration,
  InvalidAuthenticationError,
  RetryableError,
  type JSONObject
} from '@segment/actions-core'
import definition from '../index'
import type { Settings } from '../generated-types'
import { auth, PROD_API, settings, UPSERT } from './helpers'

const testDestination = createTestIntegration(definition)

const CUSTOM_FIELDS = '/api/v5/objects/custom-fields'
const CATALOGUE = [
  { id: 1, name: 'Plan', fieldId: 'Plan', type: 'Text' },
  { id: 2, name: 'Seats', fieldId: 'Seats', type: 'Number' },
  { id: 3, name: 'Birthday', fieldId: 'Birthday', type: 'Date' },
  { id: 4, name: 'Interests', fieldId: 'Interests', type: 'Multi-Select' },
  { id: 5, name: 'Channels', fieldId: 'Channels', type: 'Checkbox' },
  { id: 6, name: 'Zip', fieldId: 'Zip', type: 'Text' }
]

// The catalogue is remembered per business unit, so each test has a business unit of its own.
let unit = 100
let testSettings: Settings = settings

beforeEach(() => {
  testSettings = { ...settings, businessUnitID: `0Uv000000000${++unit}AAA` }
})

function catalogue() {
  return nock(PROD_API)
    .get(CUSTOM_FIELDS)
    .query({ fields: 'id,name,fieldId,type' })
    .reply(200, { values: CATALOGUE, nextPageToken: null })
}

/** Upserts with these Other Fields and answers the prospect Pardot received. */
async function upsert(customFields: JSONObject): Promise<Record<string, unknown>> {
  let received: { prospect?: Record<string, unknown> } = {}
  nock(PROD_API)
    .post(UPSERT, (body: typeof received) => {
      received = body
      return true
    })
    .reply(200, { id: 42 })
  await testDestination.testAction('prospects', {
    event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
    settings: testSettings,
    auth,
    mapping: { customFields },
    useDefaultMappings: true
  })
  return received.prospect ?? {}
}

function refused(customFields: JSONObject) {
  return testDestination.testAction('prospects', {
    event: createTestEvent({ type: 'identify', traits: { email: 'ann@example.com' } }),
    settings: testSettings,
    auth,
    mapping: { customFields },
    useDefaultMappings: true
  })
}

describe('Other Fields: custom field values in the form their type takes', () => {
  it('formats numbers, dates and multi-select lists, and keeps text as text', async () => {
    catalogue()
    const prospect = await upsert({
      Seats__c: '12',
      Birthday__c: '1990-12-31T23:30:00-08:00',
      Interests__c: ['golf', 'sailing'],
      Channels__c: ['email', 3],
      Zip__c: '01234',
      Plan__c: 'pro'
    })
    expect(prospect).toEqual({
      email: 'ann@example.com',
      Seats__c: 12,
      Birthday__c: '1990-12-31',
      Interests__c: 'golf;sailing',
      Channels__c: 'email;3',
      Zip__c: '01234',
      Plan__c: 'pro'
    })
  })

  it('costs no extra call when no value depends on its type', async () => {
    const scope = catalogue()
    const prospect = await upsert({ Plan__c: 'pro', Seats__c: 12, Birthday__c: '1990-12-31', Interests__c: 'a;b' })
    expect(prospect).toMatchObject({ Plan__c: 'pro', Seats__c: 12, Birthday__c: '1990-12-31', Interests__c: 'a;b' })
    expect(scope.isDone()).toBe(false)
  })

  it('reads the catalogue once for many events, and again after 10 minutes', async () => {
    const now = jest.spyOn(Date, 'now')
    try {
      now.mockReturnValue(1_000_000)
      const first = catalogue()
      await upsert({ Seats__c: '1' })
      await upsert({ Seats__c: '2' })
      expect(first.isDone()).toBe(true)

      now.mockReturnValue(1_000_000 + 10 * 60 * 1000 + 1)
      const second = catalogue()
      expect(await upsert({ Seats__c: '3' })).toMatchObject({ Seats__c: 3 })
      expect(second.isDone()).toBe(true)
    } finally {
      now.mockRestore()
    }
  })

  it('still refuses a list for a custom field that is not multi-select', async () => {
    catalogue()
    await expect(refused({ Plan__c: ['a', 'b'] })).rejects.toMatchObject({
      status: 400,
      message:
        'Other Fields: "Plan__c" holds a list, but a Pardot field holds one value; for a multi-select custom field send the choices joined with ";" (for example "red;blue").'
    })
  })

  it('refuses, before the upsert and all at once, values their type cannot take', async () => {
    catalogue()
    const upsertScope = nock(PROD_API).post(UPSERT).reply(200, {})
    await expect(
      refused({ Seats__c: 'twelve', Birthday__c: '2024-02-30T10:00:00Z', Interests__c: [['nested']] })
    ).rejects.toMatchObject({
      status: 400,
      message:
        'Other Fields: "Seats__c" is a Number custom field, but its value is not a number; map it to a number. "Birthday__c" is a Date custom field, but its value is not a date; send YYYY-MM-DD or an ISO-8601 date-time (2024-05-31T12:00:00Z). "Interests__c" is a Multi-Select custom field, but its value is neither a list of choices nor text; send a list of choices or the choices joined with ";".'
    })
    expect(upsertScope.isDone()).toBe(false)
  })

  it('keeps a 401 from the catalogue a 401, and sends nothing', async () => {
    nock(PROD_API).get(CUSTOM_FIELDS).query(true).reply(401, { code: 184, message: 'access_token is invalid' })
    await expect(refused({ Seats__c: '12' })).rejects.toBeInstanceOf(InvalidAuthenticationError)
  })

  it('retries when Pardot is over its limits rather than judging values without the catalogue', async () => {
    nock(PROD_API).get(CUSTOM_FIELDS).query(true).reply(400, { code: 122, message: 'Daily API rate limit met' })
    const failure = refused({ Interests__c: ['a', 'b'] })
    await expect(failure).rejects.toBeInstanceOf(RetryableError)
    await expect(failure).rejects.toMatchObject({ status: 429 })
  })

  it('sends values as mapped when the catalogue may not be read, and does not ask again for 10 minutes', async () => {
    nock(PROD_API).get(CUSTOM_FIELDS).query(true).reply(403, { code: 49, message: 'Access denied' })
    expect(await upsert({ Seats__c: '12' })).toMatchObject({ Seats__c: '12' })
    expect(await upsert({ Seats__c: '13' })).toMatchObject({ Seats__c: '13' })
    expect(nock.pendingMocks()).toEqual([])
  })

  it('joins a list of choices with ";" when the catalogue may not be read, and sends the rest as mapped', async () => {
    nock(PROD_API).get(CUSTOM_FIELDS).query(true).reply(403, { code: 49, message: 'Access denied' })
    expect(await upsert({ Interests__c: ['golf', 'sailing', 3], Seats__c: '12', Plan__c: 'pro' })).toEqual({
      email: 'ann@example.com',
      Interests__c: 'golf;sailing;3',
      Seats__c: '12',
      Plan__c: 'pro'
    })
    // Remembered for 10 minutes: the next list is joined without asking again.
    expect(await upsert({ Channels__c: ['email'] })).toEqual({ email: 'ann@example.com', Channels__c: 'email' })
    expect(nock.pendingMocks()).toEqual([])
  })

  it.each([
    ['2024-05-31T12:00:00Z', '2024-05-31'],
    ['2024-05-31T23:30:00.123-08:00', '2024-05-31'],
    ['2024-05-31T23:30+0530', '2024-05-31'],
    ['2024-05-31 08:15:00', '2024-05-31']
  ])('takes the date of the ISO date-time %s', async (value, date) => {
    catalogue()
    expect(await upsert({ Birthday__c: value })).toMatchObject({ Birthday__c: date })
  })

  it.each(['2024-05-31Tgarbage', '2024-05-31T25:00:00Z', '2024-05-31T12:00:00 tomorrow', '2024-05-31T'])(
    'refuses %s for a Date custom field, before the upsert',
    async (value) => {
      catalogue()
      const upsertScope = nock(PROD_API).post(UPSERT).reply(200, {})
      await expect(refused({ Birthday__c: value })).rejects.toMatchObject({
        status: 400,
        message:
          'Other Fields: "Birthday__c" is a Date custom field, but its value is not a date; send YYYY-MM-DD or an ISO-8601 date-time (2024-05-31T12:00:00Z).'
      })
      expect(upsertScope.isDone()).toBe(false)
      nock.cleanAll()
    }
  )

  it('retries when the catalogue read gets no answer, so a network fault never drops the event, and asks again next time', async () => {
    nock(PROD_API).get(CUSTOM_FIELDS).query(true).replyWithError('socket hang up')
    await expect(refused({ Interests__c: ['a', 'b'] })).rejects.toMatchObject({
      status: 503,
      constructor: RetryableError
    })
    catalogue()
    expect(await upsert({ Interests__c: ['a', 'b'] })).toMatchObject({ Interests__c: 'a;b' })
  })
})
