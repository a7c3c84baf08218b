import { sandboxPerTest } from './harness'
import { importClient, input } from './import-client'

const current = sandboxPerTest({ importDelayMs: 20 })
const { upload, status, settled, imported, errors } = importClient(current)

const options = (names: string[], clears: string[] = [], keep: string[] = []) =>
  names.map((field) => ({ field, overwrite: !keep.includes(field), nullOverwrite: clears.includes(field) }))

describe('sandbox imports run later, as Pardot’s do', () => {
  it('goes Waiting, then Processing, then Complete, and applies no row before', async () => {
    current().sandbox.configure({ importDelayMs: 400 })
    const { body } = await upload('/api/v5/imports', {
      input: JSON.stringify({ operation: 'Upsert', object: 'Prospect', status: 'Ready' }),
      file: 'matchEmail,firstName\r\na@x.io,A\r\n'
    })
    expect(body).toEqual({ id: 1, status: 'Waiting' })
    expect(current().sandbox.prospects()).toEqual([])
    const seen = new Set<unknown>()
    for (let answer = await status(1); ; answer = await status(1)) {
      seen.add(answer.status)
      if (answer.status === 'Complete') break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect([...seen]).toEqual(['Waiting', 'Processing', 'Complete'])
    expect(current().sandbox.prospects()).toHaveLength(1)
  })

  it('ends Complete when the server is held up past both steps of an import while another runs (soak seed 13)', async () => {
    // Before the fix, the second import's Processing step ran after its end, and it stayed Processing for good.
    const ms = 300
    current().sandbox.configure({ importDelayMs: ms })
    const file = (email: string) => ({ input: input({ status: 'Ready' }), file: `matchEmail\r\n${email}\r\n` })
    const sleep = (wait: number) => new Promise((resolve) => setTimeout(resolve, wait))
    const first = await upload('/api/v5/imports', file('a@x.io'))
    const stored = current().sandbox.state.imports
    while (stored.get(Number(first.body.id))?.status !== 'Processing') await sleep(1)
    // Halfway through the first's Processing: its end is due well before the second's Processing step.
    await sleep(ms / 4)
    const second = await upload('/api/v5/imports', file('b@x.io'))
    expect([first, second].map((i) => stored.get(Number(i.body.id))?.status)).toEqual(['Processing', 'Waiting'])
    // A busy server (a large import, GC, a loaded 2-core machine): the loop comes back past both of the second's steps.
    for (const until = Date.now() + ms + 20; Date.now() < until;);
    expect(await settled(second.body.id)).toMatchObject({ status: 'Complete', createdCount: 1 })
    expect(await status(first.body.id)).toMatchObject({ status: 'Complete', createdCount: 1 })
  })

  it('ends Failed, applying nothing, when the fault dice say so', async () => {
    current().sandbox.configure({ faults: { rateImportFailed: 1 } })
    const { ended } = await imported('matchEmail\r\na@x.io\r\n')
    expect(ended).toMatchObject({ status: 'Failed', createdCount: 0 })
    expect(current().sandbox.prospects()).toEqual([])
    expect((await errors(1)).status).toBe(400)
  })
})

describe('sandbox import field options', () => {
  it('leaves a field as it is for a blank cell unless its option says blanks overwrite', async () => {
    await imported('matchEmail,firstName,company,jobTitle\r\na@x.io,Ann,Acme,CTO\r\n')
    const fields = options(['matchEmail', 'firstName', 'company', 'jobTitle'], ['jobTitle'])
    const { ended } = await imported('matchEmail,firstName,company,jobTitle\r\na@x.io,,Beta,\r\n', { fields })
    expect(ended).toMatchObject({ status: 'Complete', updatedCount: 1, errorCount: 0 })
    expect(current().sandbox.prospects()).toEqual([
      expect.objectContaining({ firstName: 'Ann', company: 'Beta', jobTitle: null })
    ])
  })

  it('writes a column with overwrite false only where the prospect has no value', async () => {
    await imported('matchEmail,campaignId\r\nold@x.io,1\r\n')
    const fields = options(['matchEmail', 'campaignId'], [], ['campaignId'])
    await imported('matchEmail,campaignId\r\nold@x.io,2\r\nnew@x.io,2\r\n', { fields })
    expect(
      current()
        .sandbox.prospects()
        .map((p) => [p.email, p.campaignId])
    ).toEqual([
      ['old@x.io', 1],
      ['new@x.io', 2]
    ])
  })

  it.each([
    ['an entry missing', [{ field: 'matchEmail' }]],
    ['another order', [{ field: 'firstName' }, { field: 'matchEmail' }]],
    ['an extra entry', [{ field: 'matchEmail' }, { field: 'firstName' }, { field: 'company' }]]
  ])('refuses the file with code 227 when the options do not match the header: %s', async (_, fields) => {
    const { created } = await imported('matchEmail,firstName\r\na@x.io,A\r\n', { fields })
    expect(created).toEqual({
      status: 400,
      body: { code: 227, message: expect.stringContaining('Mismatched CSV headers and field options') as string }
    })
  })
})

describe('sandbox import row refusals', () => {
  it('counts each refused row, applies the rest, and serves the refused rows with reasons once Complete', async () => {
    const file =
      'matchEmail,jobTitle,Seats__c,Birthday__c\r\n' +
      'ok@x.io,CTO,3,2000-01-31\r\n' +
      'not-an-email,CTO,,\r\n' +
      `long@x.io,${'x'.repeat(256)},,\r\n` +
      'seats@x.io,,many,\r\n' +
      'date@x.io,,,31/01/2000\r\n'
    const { ended } = await imported(file)
    expect(ended).toMatchObject({ status: 'Complete', createdCount: 1, errorCount: 4 })
    expect(
      current()
        .sandbox.prospects()
        .map((p) => p.email)
    ).toEqual(['ok@x.io'])
    const download = await errors(1)
    expect(download.type).toMatch(/^text\/csv/)
    expect(download.text.split('\r\n')).toEqual([
      'matchEmail,jobTitle,Seats__c,Birthday__c,error',
      'not-an-email,CTO,,,Invalid prospect email address',
      `long@x.io,${'x'.repeat(256)},,,The value of jobTitle is 256 characters long; at most 255 are allowed`,
      'seats@x.io,,many,,Invalid number for Seats__c',
      'date@x.io,,,31/01/2000,Invalid date for Birthday__c',
      ''
    ])
  })

  it('answers the errors download of an import not yet Complete with an error', async () => {
    current().sandbox.configure({ importDelayMs: 10_000 })
    await upload('/api/v5/imports', {
      input: JSON.stringify({ operation: 'Upsert', object: 'Prospect', status: 'Ready' }),
      file: 'matchEmail\r\na@x.io\r\n'
    })
    expect(await errors(1)).toMatchObject({ status: 400 })
  })
})

describe('sandbox configured to want a campaign for new prospects', () => {
  beforeEach(() => current().sandbox.configure({ importsRequireCampaign: true }))

  it('refuses a file that may create prospects without a campaignId column', async () => {
    const { created } = await imported('matchEmail,firstName\r\na@x.io,A\r\n')
    expect(created).toEqual({
      status: 400,
      body: {
        code: 150,
        message: 'A campaign is required for imports that create prospects: the file has no campaignId column'
      }
    })
  })

  it('refuses a row that would create a prospect with a blank campaignId, and takes one that updates', async () => {
    await imported('matchEmail,campaignId\r\nold@x.io,5\r\n')
    const { ended } = await imported('matchEmail,firstName,campaignId\r\nold@x.io,O,\r\nnew@x.io,N,\r\n', {
      fields: options(['matchEmail', 'firstName', 'campaignId'], [], ['campaignId'])
    })
    expect(ended).toMatchObject({ updatedCount: 1, errorCount: 1 })
    expect((await errors(2)).text).toContain(
      'new@x.io,N,,A campaign is required to create a prospect: the row has no campaignId'
    )
  })
})

describe('sandbox import limits', () => {
  it('answers code 164 once the daily import batches are used up', async () => {
    current().sandbox.state.counters.dailyImportBatches.set('0Uv000000000001AAA', 1000)
    const { created } = await imported('matchEmail\r\na@x.io\r\n')
    expect(created).toMatchObject({ status: 400, body: { code: 164 } })
  })
})
