import { sandboxPerTest } from './harness'
import { headers, importClient, input } from './import-client'

const current = sandboxPerTest({ importDelayMs: 20 })

const { upload, settled, imported } = importClient(current)

describe('sandbox Import API', () => {
  it('creates and submits an import in one call, runs it later, with upsert semantics and counts', async () => {
    await imported('matchEmail,email,firstName\r\na@x.io,a@x.io,A\r\n')
    const created = await upload('/api/v5/imports', {
      input: input({ status: 'Ready' }),
      file: 'matchEmail,email,firstName,Seats__c\r\na@x.io,a@x.io,"A, again",\r\nb@x.io,b@x.io,B,2\r\nbad,bad,C,\r\nc@x.io,c@x.io,,many\r\n'
    })
    expect(created).toEqual({ status: 201, body: { id: 2, status: 'Waiting' } })
    expect(await settled(2)).toEqual({ id: 2, status: 'Complete', createdCount: 1, updatedCount: 1, errorCount: 2 })
    expect(
      current()
        .sandbox.prospects()
        .map((p) => [p.email, p.firstName])
    ).toEqual([
      ['a@x.io', 'A, again'],
      ['b@x.io', 'B']
    ])
  })

  it('takes more batches while Open, then runs on submit', async () => {
    const created = await upload('/api/v5/imports', { input: input(), file: 'matchEmail,email\r\na@x.io,a@x.io\r\n' })
    expect(created.body).toEqual({ id: 1, status: 'Open' })
    expect((await upload('/api/v5/imports/1/batches', { file: 'matchEmail,email\r\nb@x.io,b@x.io\r\n' })).status).toBe(
      204
    )
    expect(current().sandbox.prospects()).toEqual([])
    const submitted = await fetch(`${current().base}/api/v5/imports/1`, {
      method: 'PATCH',
      headers: headers({ 'content-type': 'application/json' }),
      body: JSON.stringify({ status: 'Ready' })
    })
    expect(await submitted.json()).toEqual({ id: 1, status: 'Waiting' })
    expect(await settled(1)).toMatchObject({ status: 'Complete', createdCount: 2 })
    expect(current().sandbox.prospects()).toHaveLength(2)
  })

  it('answers code 160 (HTTP 429) for an 11th batch', async () => {
    await upload('/api/v5/imports', { input: input(), file: 'matchEmail\r\na@x.io\r\n' })
    for (let i = 0; i < 9; i++) await upload('/api/v5/imports/1/batches', { file: 'matchEmail\r\na@x.io\r\n' })
    expect(await upload('/api/v5/imports/1/batches', { file: 'matchEmail\r\na@x.io\r\n' })).toMatchObject({
      status: 429,
      body: { code: 160 }
    })
  })

  it.each([
    ['an unknown column', 'matchEmail,favourite\r\na@x.io,x\r\n', 154, 'Invalid column in import file: favourite'],
    ['no match column', 'email\r\na@x.io\r\n', 150, 'The import file needs exactly one match column'],
    ['two match columns', 'matchEmail,matchId\r\na@x.io,1\r\n', 150, 'The import file needs exactly one match column']
  ])('rejects a file with %s', async (_, file, code, message) => {
    expect((await upload('/api/v5/imports', { input: input({ status: 'Ready' }), file })).body).toEqual({
      code,
      message
    })
  })

  it('reads a blank cell as a clear without field options (v4 default), text as text, and numbers and true/false only in columns of that type', async () => {
    await imported('matchEmail,email,firstName,company,Seats__c,optedOut\r\na@x.io,a@x.io,Ann,Acme,3,false\r\n')
    await imported('matchEmail,firstName,company,jobTitle,Seats__c,optedOut\r\na@x.io,,true,007,12,true\r\n')
    expect(current().sandbox.prospects()).toEqual([
      expect.objectContaining({
        email: 'a@x.io',
        firstName: null,
        company: 'true',
        jobTitle: '007',
        Seats__c: 12,
        optedOut: true
      })
    ])
  })

  it('lands quotes, line breaks, commas and non-ASCII text intact', async () => {
    await imported('matchEmail,company,comments\r\na@x.io,"Zoë, ""the"" 東京","two\r\nlines"\r\n')
    expect(current().sandbox.prospects()).toEqual([
      expect.objectContaining({ company: 'Zoë, "the" 東京', comments: 'two\r\nlines' })
    ])
  })

  it('matches emails case-sensitively and updates the prospect with the latest activity', async () => {
    const create = (email: string) =>
      current().call('/api/v5/objects/prospects?fields=id', { method: 'POST', body: { email } })
    const [first, second, third] = [
      (await create('ann@x.io')).body.id,
      (await create('ann@x.io')).body.id,
      (await create('ann@x.io')).body.id
    ]
    // The first one is written last, so it holds the latest activity although it is the oldest.
    await current().call(`/api/v5/objects/prospects/${String(first)}`, { method: 'PATCH', body: { city: 'Austin' } })
    const { ended } = await imported('matchEmail,firstName\r\nann@x.io,Ann\r\nAnn@x.io,Upper\r\n')
    expect(ended).toMatchObject({ createdCount: 1, updatedCount: 1, errorCount: 0 })
    const byId = new Map(
      current()
        .sandbox.prospects()
        .map((p) => [p.id, p])
    )
    expect(byId.get(Number(first))).toMatchObject({ firstName: 'Ann', city: 'Austin' })
    expect([byId.get(Number(second))?.firstName, byId.get(Number(third))?.firstName]).toEqual([undefined, undefined])
    expect(
      current()
        .sandbox.prospects()
        .filter((p) => p.email === 'Ann@x.io')
    ).toEqual([expect.objectContaining({ firstName: 'Upper' })])
  })

  it('refuses a file of 10,000,000 bytes or more with a final code, and takes one a byte smaller', async () => {
    const file = (bytes: number) => {
      const start = 'matchEmail,comments\r\na@x.io,'
      return start + 'x'.repeat(bytes - start.length - 2) + '\r\n'
    }
    expect(await upload('/api/v5/imports', { input: input({ status: 'Ready' }), file: file(10_000_000) })).toEqual({
      status: 413,
      body: {
        code: 150,
        message: 'The import file is 10000000 bytes; a file must be under 10 MB (10,000,000 bytes)'
      }
    })
    expect(current().sandbox.prospects()).toEqual([])
    const { created: taken } = await imported(file(9_999_999))
    expect(taken.status).toBe(201)
    expect(current().sandbox.prospects()).toHaveLength(1)
    // Two 10 MB files through HTTP: 6 s and more seen on a busy machine (2 shared cores).
  }, 30_000)

  it('refuses a batch whose header differs from the import’s first file', async () => {
    await upload('/api/v5/imports', { input: input(), file: 'matchEmail,firstName\r\na@x.io,A\r\n' })
    expect(await upload('/api/v5/imports/1/batches', { file: 'matchEmail,company\r\nb@x.io,B\r\n' })).toEqual({
      status: 400,
      body: {
        code: 150,
        message: "The batch's header (matchEmail,company) differs from the import's (matchEmail,firstName)"
      }
    })
    expect((await upload('/api/v5/imports/1/batches', { file: 'matchEmail,firstName\r\nb@x.io,B\r\n' })).status).toBe(
      204
    )
  })

  it('restores a deleted prospect with restoreDeleted, and skips its row with an error without', async () => {
    await imported('matchEmail\r\nd@x.io\r\n')
    const [{ id }] = current().sandbox.prospects()
    await fetch(`${current().base}/api/v5/objects/prospects/${id}`, { method: 'DELETE', headers: headers() })
    const { ended } = await imported('matchEmail,firstName\r\nd@x.io,D\r\n', { restoreDeleted: false })
    expect(ended).toMatchObject({ status: 'Complete', createdCount: 0, updatedCount: 0, errorCount: 1 })
    expect(current().sandbox.prospects()).toEqual([expect.objectContaining({ id, isDeleted: true })])
    await imported('matchEmail\r\nd@x.io\r\n', { restoreDeleted: true })
    expect(current().sandbox.prospects()).toEqual([expect.objectContaining({ id, isDeleted: false })])
  })

  it('refuses imports of other operations or objects', async () => {
    const answer = await upload('/api/v5/imports', {
      input: JSON.stringify({ operation: 'Create', object: 'Prospect' })
    })
    expect(answer.body).toMatchObject({ code: 150 })
  })
})
