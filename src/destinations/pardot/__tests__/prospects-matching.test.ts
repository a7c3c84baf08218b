import nock from 'nock'
import {
  createTestEvent,
  createTestIntegration,
  defaultValues,
  IntegrationError,
  RetryableError,
  type JSONObject
} from '@segment/actions-core'
import definition from '../index'
import { auth, PROD_API, settings, UPSERT } from './helpers'

const testDestination = createTestIntegration(definition)
const PROSPECTS = '/api/v5/objects/prospects'
const LEAD = '00Q5e00000AbCdEFGH'
const CONTACT_15 = '003A0000006Vm9r'

function send(traits: JSONObject, mapping: JSONObject) {
  return testDestination.testAction('prospects', {
    event: createTestEvent({ type: 'identify', traits }),
    settings,
    auth,
    mapping,
    useDefaultMappings: true
  })
}

/** Pardot's PATCH endpoint for one prospect, recording the body it received. */
function patchScope(id: number, status = 204, answer?: JSONObject) {
  const received: { body?: unknown } = {}
  const scope = nock(PROD_API)
    .patch(`${PROSPECTS}/${id}`, (body: unknown) => {
      received.body = body
      return true
    })
    .reply(status, answer)
  return { scope, received }
}

function upsertScope() {
  const received: { body?: unknown } = {}
  const scope = nock(PROD_API)
    .post(UPSERT, (body: unknown) => {
      received.body = body
      return true
    })
    .reply(201, { id: 42 })
  return { scope, received }
}

const querySalesforceId = (salesforceId: string, ids: number[]) =>
  nock(PROD_API)
    .get(PROSPECTS)
    .query({ fields: 'id', salesforceId })
    .reply(200, { values: ids.map((id) => ({ id })), nextPageToken: null, nextPageUrl: null })

describe('Upsert Prospect: matching by Pardot prospect ID', () => {
  it('updates that prospect with PATCH, email included, without matchEmail or secondaryDeletedSearch', async () => {
    const { scope, received } = patchScope(1234)
    const [response] = await send(
      { email: 'new@example.com', first_name: 'Ann', pardot_id: '1234' },
      { prospectId: { '@path': '$.traits.pardot_id' }, customFields: { Plan__c: 'pro' } }
    )
    expect(scope.isDone()).toBe(true)
    expect(response.url).toBe(`${PROD_API}${PROSPECTS}/1234`)
    expect(response.options.method).toBe('PATCH')
    expect(received.body).toEqual({ email: 'new@example.com', firstName: 'Ann', Plan__c: 'pro' })
  })

  it('takes a numeric prospect ID from the event', async () => {
    const { scope } = patchScope(77)
    await send({ email: 'ann@example.com', pardot_id: 77 }, { prospectId: { '@path': '$.traits.pardot_id' } })
    expect(scope.isDone()).toBe(true)
  })

  it('wins over a Salesforce ID: no query is made', async () => {
    const { scope } = patchScope(55)
    const query = querySalesforceId(LEAD, [9])
    await send({ email: 'ann@example.com' }, { prospectId: '55', salesforceId: LEAD })
    expect(scope.isDone()).toBe(true)
    expect(query.isDone()).toBe(false)
  })

  it('says the prospect no longer exists when Pardot answers 404 (code 109), as a final error', async () => {
    patchScope(1234, 404, { code: 109, message: 'Record not found' })
    const error = await send({ email: 'ann@example.com' }, { prospectId: '1234' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(IntegrationError)
    expect(error).toMatchObject({
      status: 404,
      code: 'PARDOT_109',
      message:
        'Pardot answered (code 109, HTTP 404): Record not found. The record was not found. Prospect 1234 no longer exists in this business unit (it was merged, or emptied from the recycle bin). Map Pardot Prospect ID to a current prospect ID, or leave it empty to match by Salesforce ID or email.'
    })
  })

  it('says how to restore a prospect in the recycle bin (code 219)', async () => {
    patchScope(1234, 400, { code: 219, message: 'Deleted records cannot be updated' })
    await expect(send({ email: 'ann@example.com' }, { prospectId: '1234' })).rejects.toThrow(
      "Prospect 1234 is in Pardot's recycle bin: restore it there, or leave Pardot Prospect ID empty so the upsert by email finds it (Search Deleted Prospects restores it)."
    )
  })

  it.each(['abc', '0', '-3', '12.5', '1e5', '99999999999999999999'])(
    'refuses prospect ID %s before any request',
    async (prospectId) => {
      const { scope } = patchScope(1)
      await expect(send({ email: 'ann@example.com' }, { prospectId })).rejects.toMatchObject({
        status: 400,
        message: `Pardot Prospect ID "${prospectId}" is not valid: it must be a positive whole number (the prospect's ID in Pardot, such as 12345678). Leave it empty to match by Salesforce ID or email.`
      })
      expect(scope.isDone()).toBe(false)
    }
  )

  it('treats an empty prospect ID as absent and upserts by email', async () => {
    const { scope, received } = upsertScope()
    await send({ email: 'ann@example.com' }, { prospectId: '  ', salesforceId: '' })
    expect(scope.isDone()).toBe(true)
    expect(received.body).toMatchObject({ matchEmail: 'ann@example.com' })
  })
})

describe('Upsert Prospect: matching by Salesforce ID', () => {
  it('finds the prospect with the v5 salesforceId filter and updates it with PATCH', async () => {
    const query = querySalesforceId(LEAD, [501])
    const { scope, received } = patchScope(501)
    await send(
      { email: 'ann@example.com', last_name: 'Lee', sfid: LEAD },
      { salesforceId: { '@path': '$.traits.sfid' } }
    )
    expect(query.isDone()).toBe(true)
    expect(scope.isDone()).toBe(true)
    expect(received.body).toEqual({ email: 'ann@example.com', lastName: 'Lee' })
  })

  it('updates every prospect synced with that Lead', async () => {
    querySalesforceId(LEAD, [501, 502])
    const first = patchScope(501)
    const second = patchScope(502)
    await send({ email: 'ann@example.com' }, { salesforceId: LEAD })
    expect(first.scope.isDone()).toBe(true)
    expect(second.scope.isDone()).toBe(true)
  })

  it('falls back to the upsert by email when no prospect has the Salesforce ID', async () => {
    const query = querySalesforceId(LEAD, [])
    const { scope, received } = upsertScope()
    await send({ email: 'ann@example.com', first_name: 'Ann' }, { salesforceId: LEAD })
    expect(query.isDone()).toBe(true)
    expect(scope.isDone()).toBe(true)
    expect(received.body).toEqual({
      matchEmail: 'ann@example.com',
      prospect: { email: 'ann@example.com', firstName: 'Ann' },
      secondaryDeletedSearch: true
    })
  })

  it('queries a 15-character Contact ID in its 18-character form', async () => {
    const query = querySalesforceId(`${CONTACT_15}IAC`, [7])
    patchScope(7)
    await send({ email: 'ann@example.com' }, { salesforceId: CONTACT_15 })
    expect(query.isDone()).toBe(true)
  })

  it('carries a query failure as the usual Pardot error', async () => {
    nock(PROD_API).get(PROSPECTS).query(true).reply(400, { code: 66, message: 'Too many concurrent requests' })
    await expect(send({ email: 'ann@example.com' }, { salesforceId: LEAD })).rejects.toMatchObject({ status: 429 })
  })

  it.each([
    ['001A0000006Vm9rIAC', 'it starts with 001, but a Lead ID starts with 00Q and a Contact ID with 003'],
    ['00Q5e00000AbCd', 'it must be 15 or 18 characters long, not 14'],
    ['00Q5e00000AbCd-FGH', 'it may contain only letters and digits']
  ])('refuses Salesforce ID %s before any request', async (salesforceId, why) => {
    const query = querySalesforceId(salesforceId, [])
    await expect(send({ email: 'ann@example.com' }, { salesforceId })).rejects.toMatchObject({
      status: 400,
      message: `Salesforce ID "${salesforceId}" is not a valid Lead or Contact ID: ${why}.`
    })
    expect(query.isDone()).toBe(false)
  })

  it('ignores an invalid Salesforce ID when a prospect ID is mapped: it would never be used', async () => {
    const { scope, received } = patchScope(5)
    const query = nock(PROD_API).get(PROSPECTS).query(true).reply(200, { values: [], nextPageToken: null })
    await send({ email: 'ann@example.com' }, { prospectId: '5', salesforceId: '001x' })
    expect(scope.isDone()).toBe(true)
    expect(received.body).toEqual({ email: 'ann@example.com' })
    expect(query.isDone()).toBe(false)
    nock.cleanAll()
  })

  it('retries, saying it was found by Salesforce ID, when the prospect found is gone at the PATCH (code 109)', async () => {
    querySalesforceId(LEAD, [501])
    patchScope(501, 404, { code: 109, message: 'Record not found' })
    const error = await send({ email: 'ann@example.com' }, { salesforceId: LEAD }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error).toMatchObject({
      status: 503,
      message: `Pardot answered (code 109, HTTP 404): Record not found. The record was not found. Prospect 501, found by Salesforce ID ${LEAD}, no longer exists in this business unit: it was merged or emptied from the recycle bin after the query (Pardot's reads can lag its writes by up to a minute). The event will be retried: the query then finds the prospect now synced with that Salesforce ID, or none, and the upsert by email runs.`
    })
  })

  it('retries, saying it was found by Salesforce ID, when the prospect found is in the recycle bin (code 219)', async () => {
    querySalesforceId(LEAD, [501])
    patchScope(501, 400, { code: 219, message: 'Deleted records cannot be updated' })
    const error = await send({ email: 'ann@example.com' }, { salesforceId: LEAD }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RetryableError)
    expect(error).toMatchObject({
      status: 503,
      message: `Pardot answered (code 219, HTTP 400): Deleted records cannot be updated. A deleted prospect cannot be updated. Prospect 501, found by Salesforce ID ${LEAD}, was moved to Pardot's recycle bin after the query. The event will be retried: the query then leaves it out, and the upsert by email runs (Search Deleted Prospects restores it). To update it instead, restore it from the recycle bin.`
    })
  })
})

describe('Upsert Prospect: Normalize Email', () => {
  it('is off by default and not part of any default matching', () => {
    const defaults = defaultValues(definition.actions.prospects.fields)
    expect(defaults).toMatchObject({ normalizeEmail: false })
    expect(defaults).not.toHaveProperty('prospectId')
    expect(defaults).not.toHaveProperty('salesforceId')
  })

  it('trims and lower-cases Email Address, and so matchEmail', async () => {
    const { received } = upsertScope()
    await send({ email: '  Ann@Example.COM ' }, { normalizeEmail: true })
    expect(received.body).toEqual({
      matchEmail: 'ann@example.com',
      prospect: { email: 'ann@example.com' },
      secondaryDeletedSearch: true
    })
  })

  it('also normalizes an Other Fields email, which changes the email', async () => {
    const { received } = upsertScope()
    await send(
      { email: 'Old@Example.com', new_email: ' New@Example.com' },
      {
        normalizeEmail: true,
        customFields: { email: { '@path': '$.traits.new_email' } }
      }
    )
    expect(received.body).toMatchObject({ matchEmail: 'old@example.com', prospect: { email: 'new@example.com' } })
  })

  it('normalizes the email a PATCH by prospect ID sends', async () => {
    const { received } = patchScope(8)
    await send({ email: 'Ann@Example.com' }, { normalizeEmail: true, prospectId: '8' })
    expect(received.body).toEqual({ email: 'ann@example.com' })
  })
})
