import nock from 'nock'
import { createTestEvent, createTestIntegration, type JSONObject, type SegmentEvent } from '@segment/actions-core'
import definition from '../index'
import { parseCsv, parseMultipart } from './read-upload'
import { auth, PROD_API, settings, UPSERT } from './helpers'

const testDestination = createTestIntegration(definition)
const IMPORTS = '/api/v5/imports'

interface Upload {
  path: string
  contentType: string
  input?: Record<string, unknown>
  csv?: string
}

/** Pardot's Import API on nock, recording each multipart upload as Pardot would read it. */
function importApi(answer: (upload: Upload) => [number, unknown] = () => [201, { id: 7, status: 'Complete' }]) {
  const uploads: Upload[] = []
  nock(PROD_API)
    .post(/\/api\/v5\/imports.*/)
    .times(50)
    .reply(function (path, body) {
      const contentType = String(this.req.headers['content-type'])
      const parts = parseMultipart(typeof body === 'string' ? body : JSON.stringify(body), contentType)
      const input = parts.get('input')
      const upload: Upload = {
        path,
        contentType,
        input: input ? (JSON.parse(input) as Record<string, unknown>) : undefined,
        csv: parts.get('file')
      }
      uploads.push(upload)
      return answer(upload)
    })
  // Every import ends Complete with no refused row (import-follow.test.ts covers the other endings).
  nock(PROD_API)
    .get(/\/api\/v5\/imports\/\d+\?/)
    .times(50)
    .reply((path) => [200, { id: Number(/imports\/(\d+)/.exec(path)?.[1]), status: 'Complete', errorCount: 0 }])
  return uploads
}

/** The field options of an import whose columns are `names`, blanks leaving fields as they are except `clears`. */
export const fieldOptions = (names: string[], clears: string[] = []) =>
  names.map((field) => ({ field, overwrite: field !== 'campaignId', nullOverwrite: clears.includes(field) }))

function identify(traits: JSONObject): SegmentEvent {
  return createTestEvent({ type: 'identify', traits })
}

async function sendBatch(events: SegmentEvent[], mapping: JSONObject = {}) {
  return (await sendBatchWithRequests(events, mapping)).statuses
}
const sendBatchWith = sendBatch

async function sendBatchWithRequests(events: SegmentEvent[], mapping: JSONObject = {}) {
  const requests = await testDestination.testBatchAction('prospects', {
    events,
    settings,
    auth,
    // A short Import Wait: the polls fall within milliseconds.
    mapping: { enable_batching: true, import_wait_seconds: 1, ...mapping },
    useDefaultMappings: true
  })
  return { requests, statuses: testDestination.results[testDestination.results.length - 1]?.multistatus ?? [] }
}

/** Import ids counting up from 100, one per import created. */
function countingImports() {
  let next = 100
  return importApi(() => [201, { id: next++, status: 'Complete' }])
}

const rowsOf = (upload: Upload) => (upload.csv ?? '').split('\r\n').slice(1, -1)

describe('batched upserts through the Import API', () => {
  it('creates and submits one import in one call, with a properly quoted UTF-8 CSV', async () => {
    const uploads = importApi()
    const statuses = await sendBatch(
      [
        identify({ email: 'a@example.com', first_name: 'Ann, "the" first', company: 'Lee\nJr', plan: 'pro' }),
        identify({ email: 'b@example.com', first_name: ' padded ', company: 'Zoë & Søn 東京', plan: 'basic' })
      ],
      { customFields: { Plan__c: { '@path': '$.traits.plan' } } }
    )
    expect(uploads).toHaveLength(1)
    expect(uploads[0].path).toBe(IMPORTS)
    expect(uploads[0].contentType).toMatch(/^multipart\/form-data; boundary=/)
    expect(uploads[0].input).toEqual({
      operation: 'Upsert',
      object: 'Prospect',
      createOnNoMatch: true,
      restoreDeleted: true,
      status: 'Ready',
      fields: fieldOptions(['matchEmail', 'email', 'firstName', 'company', 'Plan__c'])
    })
    expect(uploads[0].csv).toBe(
      'matchEmail,email,firstName,company,Plan__c\r\n' +
        'a@example.com,a@example.com,"Ann, ""the"" first","Lee\nJr",pro\r\n' +
        'b@example.com,b@example.com," padded ",Zoë & Søn 東京,basic\r\n'
    )
    expect(statuses).toEqual([
      expect.objectContaining({ status: 200, body: { importId: 7, importStatus: 'Complete' } }),
      expect.objectContaining({ status: 200, body: { importId: 7, importStatus: 'Complete' } })
    ])
  })

  it('puts events with different fields in one import, whose options keep a blank cell from clearing', async () => {
    const uploads = importApi()
    await sendBatch([
      identify({ email: 'a@example.com', first_name: 'Ann' }),
      identify({ email: 'b@example.com', company: 'B' })
    ])
    expect(uploads.map((u) => [u.csv, u.input?.fields])).toEqual([
      [
        'matchEmail,email,firstName,company\r\na@example.com,a@example.com,Ann,\r\nb@example.com,b@example.com,,B\r\n',
        fieldOptions(['matchEmail', 'email', 'firstName', 'company'])
      ]
    ])
  })

  it('writes in each row exactly what the single upsert would have sent', async () => {
    const traits = {
      email: 'a@example.com',
      first_name: 'Ann',
      address: { city: 'Austin', postal_code: '78701' },
      seats: 3
    }
    const mapping = { customFields: { Seats__c: { '@path': '$.traits.seats' }, email: 'new@example.com' } }
    let single: { matchEmail: string; prospect: Record<string, unknown> } | undefined
    nock(PROD_API)
      .post(UPSERT, (body: typeof single) => ((single = body), true))
      .reply(201, {})
    await testDestination.testAction('prospects', {
      event: identify(traits),
      settings,
      auth,
      mapping,
      useDefaultMappings: true
    })
    const uploads = importApi()
    await sendBatch([identify(traits)], mapping)
    const [header, row] = parseCsv(uploads[0].csv ?? '')
    const sent: Record<string, string> = Object.fromEntries(
      header.map((name, i): [string, string] => [name, row[i]]).filter(([, v]) => v !== '')
    )
    expect(sent).toEqual({ matchEmail: single?.matchEmail, ...single?.prospect, Seats__c: '3' })
    expect(single?.prospect.Seats__c).toBe(3)
  })

  it('answers a refused event with its own 400 and still imports the rest', async () => {
    const uploads = importApi()
    const statuses = await sendBatch(
      [
        identify({ email: 'a@example.com', grade: 'A' }),
        identify({ first_name: 'no email' }),
        identify({ email: 'c@example.com' })
      ],
      { customFields: { grade: { '@path': '$.traits.grade' } } }
    )
    expect(statuses[0]).toMatchObject({
      status: 400,
      errortype: 'PAYLOAD_VALIDATION_FAILED',
      errormessage: 'Other Fields: "grade" is read-only in Pardot and cannot be set; remove it.'
    })
    expect(statuses[1]).toMatchObject({
      status: 400,
      errormessage: "The root value is missing the required field 'email'."
    })
    expect(statuses[2]).toMatchObject({ status: 200 })
    expect(uploads[0].csv).toBe('matchEmail,email\r\nc@example.com,c@example.com\r\n')
  })

  it('makes each file under 10 MB an import of its own, created Ready in one call, so N files cost N calls', async () => {
    const uploads = countingImports()
    const big = 'x'.repeat(3_000_000)
    const events = Array.from({ length: 7 }, (_, i) => identify({ email: `u${i}@example.com`, notes: big }))
    const statuses = await sendBatch(events, { customFields: { comments: { '@path': '$.traits.notes' } } })
    expect(uploads.map((u) => [u.path, u.input?.status, rowsOf(u).length])).toEqual([
      [IMPORTS, 'Ready', 3],
      [IMPORTS, 'Ready', 3],
      [IMPORTS, 'Ready', 1]
    ])
    expect(uploads.every((u) => Buffer.byteLength(u.csv ?? '') < 10_000_000)).toBe(true)
    expect(statuses.map((s) => s.body)).toEqual(
      [100, 100, 100, 101, 101, 101, 102].map((importId) => ({ importId, importStatus: 'Complete' }))
    )
  })

  it('gives each import upload 120 s, not the engine default of 10 s', async () => {
    importApi()
    const { requests } = await sendBatchWithRequests([identify({ email: 'a@example.com' })])
    expect(requests.map((r) => [r.options.method, r.url, r.options.timeout])).toEqual([
      ['POST', `${PROD_API}${IMPORTS}`, 120_000],
      ['GET', `${PROD_API}${IMPORTS}/7?fields=id%2Cstatus%2CcreatedCount%2CupdatedCount%2CerrorCount`, 10_000]
    ])
  })

  it('refuses an event whose row alone passes 10 MB', async () => {
    importApi()
    const statuses = await sendBatch(
      [identify({ email: 'a@example.com', notes: 'x'.repeat(10_000_000) }), identify({ email: 'b@example.com' })],
      { customFields: { comments: { '@path': '$.traits.notes' } } }
    )
    expect(statuses[0]).toMatchObject({ status: 400, errormessage: expect.stringContaining('10 MB') as string })
    expect(statuses[1]).toMatchObject({ status: 200 })
  })

  it('upserts events with Search Deleted Prospects off one by one, as single mode does, and imports the rest', async () => {
    const uploads = countingImports()
    const upserts: unknown[] = []
    nock(PROD_API)
      .post(UPSERT, (body: unknown) => (upserts.push(body), true))
      .times(2)
      .reply(200, { id: 1 })
    const statuses = await sendBatch(
      [
        identify({ email: 'a@example.com', restore: true }),
        identify({ email: 'b@example.com', restore: false }),
        identify({ email: 'a@example.com', restore: false, first_name: 'A' }),
        identify({ email: 'c@example.com', restore: true })
      ],
      { secondaryDeletedSearch: { '@path': '$.traits.restore' } }
    )
    expect(uploads.map((u) => [u.input?.restoreDeleted, u.csv])).toEqual([
      [true, 'matchEmail,email\r\na@example.com,a@example.com\r\nc@example.com,c@example.com\r\n']
    ])
    expect(upserts).toEqual([
      expect.objectContaining({ matchEmail: 'b@example.com', secondaryDeletedSearch: false }),
      expect.objectContaining({ matchEmail: 'a@example.com', secondaryDeletedSearch: false })
    ])
    expect(statuses.map((s) => s.body)).toEqual([
      { importId: 100, importStatus: 'Complete' },
      { matchedBy: 'email' },
      { matchedBy: 'email' },
      { importId: 100, importStatus: 'Complete' }
    ])
  })
})

describe('several events for one email in a batch', () => {
  it('become one row, later values winning and an explicit null kept, each event answered', async () => {
    const uploads = countingImports()
    const statuses = await sendBatch(
      [
        identify({ email: 'a@example.com', first_name: 'Ann', company: 'Old' }),
        identify({ email: 'b@example.com', company: 'B' }),
        identify({ email: 'a@example.com', company: 'New', clear: null })
      ],
      { customFields: { jobTitle: { '@path': '$.traits.clear' } } }
    )
    // The row that clears jobTitle goes in an import whose options let exactly that blank clear.
    expect(uploads.map((u) => [u.csv, u.input?.fields])).toEqual([
      [
        'matchEmail,email,firstName,company,jobTitle\r\na@example.com,a@example.com,Ann,New,\r\n',
        fieldOptions(['matchEmail', 'email', 'firstName', 'company', 'jobTitle'], ['jobTitle'])
      ],
      [
        'matchEmail,email,company\r\nb@example.com,b@example.com,B\r\n',
        fieldOptions(['matchEmail', 'email', 'company'])
      ]
    ])
    expect(statuses).toEqual([
      expect.objectContaining({
        status: 200,
        sent: { matchEmail: 'a@example.com', email: 'a@example.com', firstName: 'Ann', company: 'Old' },
        body: { importId: 100, importStatus: 'Complete' }
      }),
      expect.objectContaining({ status: 200, body: { importId: 101, importStatus: 'Complete' } }),
      expect.objectContaining({
        status: 200,
        sent: { matchEmail: 'a@example.com', email: 'a@example.com', company: 'New', jobTitle: null },
        body: { importId: 100, importStatus: 'Complete' }
      })
    ])
  })

  it('send a change of email in an import of its own, after the rows before it and before those after it', async () => {
    const uploads = countingImports()
    await sendBatch(
      [
        identify({ email: 'old@example.com', first_name: 'A' }),
        identify({ email: 'old@example.com', new_email: 'new@example.com' }),
        identify({ email: 'new@example.com', first_name: 'B' })
      ],
      { customFields: { email: { '@path': '$.traits.new_email' } } }
    )
    expect(uploads.map(rowsOf)).toEqual([
      ['old@example.com,old@example.com,A'],
      ['old@example.com,new@example.com'],
      ['new@example.com,new@example.com,B']
    ])
  })
})

describe('a failure on a later call of a batch', () => {
  // Three sets of cleared fields, so three imports and three calls.
  const events = [
    identify({ email: 'a@example.com', first_name: 'A' }),
    identify({ email: 'b@example.com', company: null }),
    identify({ email: 'c@example.com', phone: null })
  ]
  const sendBatch = (list: SegmentEvent[]) =>
    sendBatchWith(list, {
      customFields: { company: { '@path': '$.traits.company' }, phone: { '@path': '$.traits.phone' } },
      company: '',
      phone: ''
    })

  it('keeps the first import, and holds the rest back for the retry when Pardot is over its limit', async () => {
    const uploads = importApi((u) =>
      u.csv?.includes('company')
        ? [400, { code: 122, message: 'Daily API rate limit met' }]
        : [201, { id: 7, status: 'Complete' }]
    )
    const statuses = await sendBatch(events)
    expect(uploads).toHaveLength(2)
    expect(statuses[0]).toMatchObject({ status: 200, body: { importId: 7 } })
    expect(statuses[1]).toMatchObject({
      status: 429,
      errortype: 'RETRYABLE_ERROR',
      errormessage: expect.stringContaining('Pardot answered (code 122, HTTP 400)') as string
    })
    expect(statuses[2]).toMatchObject({
      status: 429,
      errortype: 'RETRYABLE_ERROR',
      errormessage: expect.stringContaining('Not sent: an earlier import of this batch got this answer') as string
    })
  })

  it('still sends the files after a final refusal of one file', async () => {
    const uploads = importApi((u) =>
      u.csv?.includes('company')
        ? [400, { code: 154, message: 'Invalid column' }]
        : [201, { id: 7, status: 'Complete' }]
    )
    const statuses = await sendBatch(events)
    expect(uploads).toHaveLength(3)
    expect(statuses.map((s) => [s.status, 'errortype' in s ? s.errortype : undefined])).toEqual([
      [200, undefined],
      [400, 'PARDOT_154'],
      [200, undefined]
    ])
  })
})

describe('events matched by id in a batch', () => {
  it('keep their single-event PATCH, the others go to the import', async () => {
    const uploads = importApi()
    let patched: unknown
    nock(PROD_API)
      .patch('/api/v5/objects/prospects/42', (body: unknown) => ((patched = body), true))
      .reply(204)
    const statuses = await sendBatch(
      [identify({ email: 'a@example.com', pardot_id: '42' }), identify({ email: 'b@example.com' })],
      { prospectId: { '@path': '$.traits.pardot_id' } }
    )
    expect(patched).toEqual({ email: 'a@example.com' })
    expect(uploads.map((u) => u.csv)).toEqual(['matchEmail,email\r\nb@example.com,b@example.com\r\n'])
    expect(statuses.map((s) => s.status)).toEqual([200, 200])
    expect(statuses[0]).toMatchObject({ body: { matchedBy: 'prospectId' } })
  })

  it('answer a stale prospect id with its own final error', async () => {
    importApi()
    nock(PROD_API).patch('/api/v5/objects/prospects/42').reply(404, { code: 109, message: 'Record not found' })
    const statuses = await sendBatch(
      [identify({ email: 'a@example.com', pardot_id: '42' }), identify({ email: 'b@example.com' })],
      { prospectId: { '@path': '$.traits.pardot_id' } }
    )
    expect(statuses[0]).toMatchObject({
      status: 404,
      errormessage: expect.stringContaining('Prospect 42 no longer exists') as string
    })
    expect(statuses[1]).toMatchObject({ status: 200 })
  })
})

describe('Pardot errors on the import call', () => {
  it.each([
    [400, 66, 429, 'RETRYABLE_ERROR'],
    [400, 122, 429, 'RETRYABLE_ERROR'],
    [400, 160, 429, 'RETRYABLE_ERROR'],
    [400, 164, 429, 'RETRYABLE_ERROR'],
    [503, 85, 503, 'RETRYABLE_ERROR'],
    [401, 184, 401, 'INVALID_AUTHENTICATION'],
    [400, 154, 400, 'PARDOT_154'],
    [400, 201, 400, 'PARDOT_201']
  ])(
    'HTTP %i code %i gives every event status %i and type %s, as single mode reports it',
    async (httpStatus, code, status, errortype) => {
      nock(PROD_API)
        .post(UPSERT)
        .reply(httpStatus, { code, message: `Pardot says ${code}` })
      const single = (await testDestination
        .testAction('prospects', {
          event: identify({ email: 'a@example.com' }),
          settings,
          auth,
          useDefaultMappings: true
        })
        .catch((error: unknown) => error)) as { code?: string; status?: number }
      expect([single.status, single.code]).toEqual([status, errortype])

      importApi(() => [httpStatus, { code, message: `Pardot says ${code}` }])
      const statuses = await sendBatch([identify({ email: 'a@example.com' }), identify({ email: 'b@example.com' })])
      expect(statuses).toHaveLength(2)
      for (const entry of statuses) {
        expect(entry).toMatchObject({
          status,
          errortype,
          errorreporter: 'DESTINATION',
          errormessage: expect.stringContaining(
            `Pardot answered (code ${code}, HTTP ${httpStatus}): Pardot says ${code}.`
          ) as string
        })
      }
    }
  )

  it('reports a refusal of ours as the integration’s, with the same type as single mode', async () => {
    const statuses = await sendBatch([identify({ email: 'not-an-email' })])
    expect(statuses[0]).toMatchObject({
      status: 400,
      errortype: 'PAYLOAD_VALIDATION_FAILED',
      errorreporter: 'INTEGRATIONS'
    })
  })

  it('retries when the import call gets no answer', async () => {
    nock(PROD_API).post(IMPORTS).replyWithError('socket hang up')
    const statuses = await sendBatch([identify({ email: 'a@example.com' })])
    expect(statuses[0]).toMatchObject({
      status: 503,
      errormessage: expect.stringContaining('Pardot did not answer') as string
    })
  })
})
