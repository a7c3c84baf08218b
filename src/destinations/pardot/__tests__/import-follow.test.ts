import nock from 'nock'
import { createTestEvent, createTestIntegration, type JSONObject, type SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { auth, PROD_API, settings } from './helpers'

const testDestination = createTestIntegration(definition)
const STATUS = /\/api\/v5\/imports\/7\?fields=/

const identify = (traits: JSONObject): SegmentEvent => createTestEvent({ type: 'identify', traits })
const events = ['a', 'b', 'c'].map((name) => identify({ email: `${name}@example.com`, first_name: name }))

async function sendBatch(list: SegmentEvent[], mapping: JSONObject = {}) {
  const requests = await testDestination.testBatchAction('prospects', {
    events: list,
    settings,
    auth,
    // 1 s of Import Wait: polls after 80, 240, 560 and 1,000 ms.
    mapping: { enable_batching: true, import_wait_seconds: 1, ...mapping },
    useDefaultMappings: true
  })
  return { requests, statuses: testDestination.results[testDestination.results.length - 1]?.multistatus ?? [] }
}

const created = () => nock(PROD_API).post('/api/v5/imports').reply(201, { id: 7, status: 'Waiting' })
const polled = (...answers: Record<string, unknown>[]) => {
  for (const answer of answers)
    nock(PROD_API)
      .get(STATUS)
      .reply(200, { id: 7, ...answer })
}
const callsOf = (requests: { url: string; options: { method?: string } }[]) =>
  requests.map((r) => `${r.options.method ?? 'GET'} ${new URL(r.url).pathname}`)

describe('a batch follows its import to the end', () => {
  it('fails exactly the events whose rows Pardot refused, with Pardot’s reason, and the rest succeed', async () => {
    created()
    polled({ status: 'Processing' }, { status: 'Complete', createdCount: 2, errorCount: 1 })
    nock(PROD_API)
      .get('/api/v5/imports/7/errors')
      .reply(200, 'matchEmail,email,firstName,error\r\nb@example.com,b@example.com,b,"Invalid value, too long"\r\n', {
        'content-type': 'text/csv'
      })
    const { requests, statuses } = await sendBatch(events)
    expect(callsOf(requests)).toEqual([
      'POST /api/v5/imports',
      'GET /api/v5/imports/7',
      'GET /api/v5/imports/7',
      'GET /api/v5/imports/7/errors'
    ])
    expect(statuses.map((s) => s.status)).toEqual([200, 400, 200])
    expect(statuses[1]).toMatchObject({
      errortype: 'PARDOT_IMPORT_ROW_REFUSED',
      errormessage: "Pardot refused this event's row in import 7: Invalid value, too long."
    })
    expect(statuses[0]).toMatchObject({ body: { importId: 7, importStatus: 'Complete' } })
  })

  it('answers a refused row whose reason is temporary as retryable', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    nock(PROD_API)
      .get('/api/v5/imports/7/errors')
      .reply(200, 'matchEmail,firstName,error\r\na@example.com,a,Internal error; please try again\r\n', {
        'content-type': 'text/csv'
      })
    const { statuses } = await sendBatch(events)
    expect(statuses.map((s) => s.status)).toEqual([503, 200, 200])
  })

  it('fails every event of an import that ended Failed, retryable', async () => {
    created()
    polled({ status: 'Failed' })
    const { statuses } = await sendBatch(events)
    for (const entry of statuses) {
      expect(entry).toMatchObject({
        status: 500,
        errortype: 'RETRYABLE_ERROR',
        errormessage: 'Pardot import 7 ended Failed, so none of its rows can be counted on; the event will be retried.'
      })
    }
  })

  it('accepts the events with the import id and an outcome-pending note when the wait ends first', async () => {
    created()
    polled({ status: 'Waiting' }, { status: 'Processing' }, { status: 'Processing' }, { status: 'Processing' })
    const { requests, statuses } = await sendBatch(events)
    // At most 4 polls within the wait, however long the import takes.
    expect(callsOf(requests)).toEqual([
      'POST /api/v5/imports',
      ...Array.from({ length: 4 }, () => 'GET /api/v5/imports/7')
    ])
    expect(statuses[0]).toMatchObject({
      status: 200,
      body: {
        importId: 7,
        importStatus: 'Processing',
        outcome: 'pending',
        note: expect.stringContaining('Outcome pending: Pardot took the row (import 7)') as string
      }
    })
  })

  it('keeps polling after a failed poll (review 14: 4), and reports pending only when every poll failed', async () => {
    created()
    nock(PROD_API).get(STATUS).reply(503, { code: 85, message: 'Internal error' })
    polled({ status: 'Complete', errorCount: 0 })
    const { statuses } = await sendBatch(events)
    expect(statuses.map((s) => [s.status, s.body])).toEqual(
      Array(3).fill([200, expect.objectContaining({ importStatus: 'Complete' })])
    )
  })

  it('reports the events pending, not failed, when every poll fails: Pardot has the file', async () => {
    created()
    nock(PROD_API).get(STATUS).times(4).reply(503, { code: 85, message: 'Internal error' })
    const { statuses } = await sendBatch(events)
    expect(statuses.map((s) => [s.status, s.body])).toEqual(
      Array(3).fill([
        200,
        expect.objectContaining({ outcome: 'pending', note: expect.stringContaining('Internal error') as string })
      ])
    )
  })

  const errorsFile = (csv: string) =>
    nock(PROD_API).get('/api/v5/imports/7/errors').reply(200, csv, { 'content-type': 'text/csv' })

  it('ties a refused row to its event whatever the case or padding of the email (review 14: 1)', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    errorsFile('matchEmail,error\r\n b@example.com ,Invalid email\r\n')
    const mixed = [identify({ email: 'a@example.com' }), identify({ email: 'B@Example.com' })]
    const { statuses } = await sendBatch(mixed)
    expect(statuses.map((s) => s.status)).toEqual([200, 400])
  })

  it('reads an errors file with an email column and a reason column', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    errorsFile('Email,First Name,Reason\r\nc@example.com,c,Bad date\r\n')
    const { statuses } = await sendBatch(events)
    expect(statuses.map((s) => s.status)).toEqual([200, 200, 400])
    expect(statuses[2]).toMatchObject({ errormessage: expect.stringContaining('Bad date') as string })
  })

  it('retries every event when a refused row matches none of the import (fate unknown: 502)', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    errorsFile('matchEmail,error\r\nsomeone@else.com,Invalid email\r\n')
    const { statuses } = await sendBatch(events)
    expect(statuses).toEqual(Array(3).fill(expect.objectContaining({ status: 502, errortype: 'RETRYABLE_ERROR' })))
  })

  it('retries every event when the errors file names no email column (fate unknown: 502)', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    errorsFile('row,error\r\n2,Invalid email\r\n')
    const { statuses } = await sendBatch(events)
    expect(statuses.map((s) => s.status)).toEqual([502, 502, 502])
  })

  it('downloads the errors file again when the first download fails (review 14: 2)', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    nock(PROD_API).get('/api/v5/imports/7/errors').reply(503, { code: 85, message: 'Internal error' })
    errorsFile('matchEmail,error\r\na@example.com,Invalid email\r\n')
    const { requests, statuses } = await sendBatch(events)
    expect(callsOf(requests).filter((call) => call.endsWith('/errors'))).toHaveLength(2)
    expect(statuses.map((s) => s.status)).toEqual([400, 200, 200])
  })

  it('never answers success when the errors file of a Complete import cannot be read (review 14: 2)', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    nock(PROD_API).get('/api/v5/imports/7/errors').times(4).reply(503, { code: 85, message: 'Internal error' })
    const { statuses } = await sendBatch(events)
    expect(statuses).toEqual(Array(3).fill(expect.objectContaining({ status: 503, errortype: 'RETRYABLE_ERROR' })))
    expect(statuses[0]).toMatchObject({
      errormessage: expect.stringContaining('errors file could not be read') as string
    })
  })

  it('fails for good only the last of the events merged into a refused row; the others are retried (review 14: 7)', async () => {
    created()
    polled({ status: 'Complete', errorCount: 1 })
    errorsFile('matchEmail,error\r\na@example.com,Invalid value\r\n')
    const merged = [
      identify({ email: 'a@example.com', first_name: 'ok' }),
      identify({ email: 'a@example.com', title: 'x' })
    ]
    const { statuses } = await sendBatch(merged)
    expect(statuses).toEqual([
      expect.objectContaining({ status: 503, errortype: 'RETRYABLE_ERROR' }),
      expect.objectContaining({ status: 400, errortype: 'PARDOT_IMPORT_ROW_REFUSED' })
    ])
  })

  it('does not follow the import when Import Wait is 0', async () => {
    created()
    const { requests, statuses } = await sendBatch(events, { import_wait_seconds: 0 })
    expect(callsOf(requests)).toEqual(['POST /api/v5/imports'])
    expect(statuses[0]).toMatchObject({ status: 200, body: { outcome: 'pending' } })
  })
})

describe('a missing campaign', () => {
  it('names the field to map when Pardot refuses the file', async () => {
    nock(PROD_API)
      .post('/api/v5/imports')
      .reply(400, { code: 150, message: 'A campaign is required for imports that create prospects' })
    const { statuses } = await sendBatch(events)
    expect(statuses[0]).toMatchObject({
      status: 400,
      errormessage: expect.stringContaining(
        'map the Campaign ID (batching) field (campaignId) to the ID of a Pardot campaign'
      ) as string
    })
  })

  it('names the field to map when Pardot refuses a row, and sends the campaign when mapped', async () => {
    let csv = ''
    nock(PROD_API)
      .post('/api/v5/imports', (body: string) => ((csv = body), true))
      .reply(201, { id: 7, status: 'Waiting' })
    polled({ status: 'Complete', errorCount: 1 })
    nock(PROD_API)
      .get('/api/v5/imports/7/errors')
      .reply(200, 'matchEmail,error\r\nc@example.com,Campaign is required\r\n', { 'content-type': 'text/csv' })
    const { statuses } = await sendBatch(events, { campaignId: 12 })
    expect(csv).toContain('matchEmail,email,firstName,campaignId\r\na@example.com,a@example.com,a,12\r\n')
    expect(csv).toContain('{"field":"campaignId","overwrite":false,"nullOverwrite":false}')
    expect(statuses[2]).toMatchObject({
      status: 400,
      errormessage: expect.stringContaining('map the Campaign ID (batching) field (campaignId)') as string
    })
  })
})
