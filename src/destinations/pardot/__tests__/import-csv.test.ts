import { csvCell, csvPlan, MAX_FILE_BYTES, mergeByEmail, type ImportRow, type RowInput } from '../prospects/import-csv'

describe('CSV cells', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' edge', '" edge"'],
    ['Zoë 東京', 'Zoë 東京'],
    [12.5, '12.5'],
    [true, 'true'],
    [null, ''],
    [undefined, '']
  ])('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell)
  })
})

describe('planning uploads', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ matchEmail: `u${i}@x.io`, email: `u${i}@x.io` }))

  it('fills each file up to the byte limit, header repeated', () => {
    // header "matchEmail,email\r\n" is 18 bytes, each row 17 bytes
    const plan = csvPlan(rows, { maxBytes: 18 + 2 * 17 })
    expect(plan.files.map((f) => f.rows)).toEqual([[0, 1], [2, 3], [4]])
    expect(plan.files[2].csv).toBe('matchEmail,email\r\nu4@x.io,u4@x.io\r\n')
  })

  it('counts bytes, not characters', () => {
    expect(csvPlan([{ matchEmail: 'é@x.io', email: 'é@x.io' }], { maxBytes: 18 + 15 }).tooLarge).toEqual([0])
  })

  it('skips refused rows and keeps the indices of the others', () => {
    expect(csvPlan([undefined, rows[1], undefined, rows[3]]).files[0].rows).toEqual([1, 3])
  })

  it('puts rows with different fields in one file whose options keep blanks, and rows that clear in their own', () => {
    const plan = csvPlan([
      { matchEmail: 'a@x.io', email: 'a@x.io', firstName: 'A' },
      { matchEmail: 'b@x.io', email: 'b@x.io', company: 'B', campaignId: 7 },
      { matchEmail: 'c@x.io', email: 'c@x.io', firstName: 'C' },
      { matchEmail: 'd@x.io', email: 'd@x.io', firstName: null }
    ])
    expect(plan.files.map((f) => [f.csv, f.rows, f.fields])).toEqual([
      [
        'matchEmail,email,firstName,company,campaignId\r\na@x.io,a@x.io,A,,\r\nb@x.io,b@x.io,,B,7\r\nc@x.io,c@x.io,C,,\r\n',
        [0, 1, 2],
        [
          { field: 'matchEmail', overwrite: true, nullOverwrite: false },
          { field: 'email', overwrite: true, nullOverwrite: false },
          { field: 'firstName', overwrite: true, nullOverwrite: false },
          { field: 'company', overwrite: true, nullOverwrite: false },
          // A campaign is given to new prospects only: it never moves an existing prospect's.
          { field: 'campaignId', overwrite: false, nullOverwrite: false }
        ]
      ],
      [
        'matchEmail,email,firstName\r\nd@x.io,d@x.io,\r\n',
        [3],
        [
          { field: 'matchEmail', overwrite: true, nullOverwrite: false },
          { field: 'email', overwrite: true, nullOverwrite: false },
          { field: 'firstName', overwrite: true, nullOverwrite: true }
        ]
      ]
    ])
  })

  it('with the safety switch, gives each set of fields its own file, so a blank cell is only a null', () => {
    const rows: ImportRow[] = [
      { matchEmail: 'a@x.io', firstName: 'A' },
      { matchEmail: 'b@x.io', company: 'B' },
      { matchEmail: 'c@x.io', firstName: null }
    ]
    const plan = csvPlan(rows, { splitByFields: true })
    expect(plan.files.map((f) => [f.csv, f.fields.map((o) => o.nullOverwrite)])).toEqual([
      ['matchEmail,firstName\r\na@x.io,A\r\nc@x.io,\r\n', [true, true]],
      ['matchEmail,company\r\nb@x.io,B\r\n', [true, true]]
    ])
  })

  it('puts rows with the same fields in another order in one file, cells under the right header', () => {
    const plan = csvPlan([
      { matchEmail: 'a@x.io', email: 'a@x.io', firstName: 'A', Plan__c: 'Pro' },
      { matchEmail: 'b@x.io', Plan__c: 'Free', firstName: 'B', email: 'b@x.io' }
    ])
    expect(plan.files.map((f) => f.csv)).toEqual([
      'matchEmail,email,firstName,Plan__c\r\na@x.io,a@x.io,A,Pro\r\nb@x.io,b@x.io,B,Free\r\n'
    ])
  })

  it('keeps a field name holding a comma in one quoted header cell', () => {
    const plan = csvPlan([{ matchEmail: 'a@x.io', 'odd,name': 'x' }])
    expect(plan.files[0].csv).toBe('matchEmail,"odd,name"\r\na@x.io,x\r\n')
  })

  it('reads the 10 MB limit as 10,000,000 bytes, so a file passes under either reading', () => {
    expect(MAX_FILE_BYTES).toBe(9_999_999)
    const header = 'matchEmail,comments\r\n'
    // A row that makes the file exactly 10,000,000 bytes is refused; one byte less fits.
    const rowOf = (bytes: number) => ({ matchEmail: 'a@x.io', comments: 'x'.repeat(bytes - header.length - 9) })
    expect(csvPlan([rowOf(10_000_000)]).tooLarge).toEqual([0])
    const fits = csvPlan([rowOf(9_999_999)])
    expect(fits.tooLarge).toEqual([])
    expect(Buffer.byteLength(fits.files[0].csv)).toBe(9_999_999)
  })
})

describe('merging the rows of one email', () => {
  const input = (row: RowInput['row'], restoreDeleted = true): RowInput => ({ row, restoreDeleted })

  it('writes each email once, later values winning and an explicit null kept, every event remembered', () => {
    const waves = mergeByEmail([
      input({ matchEmail: 'a@x.io', email: 'a@x.io', firstName: 'Ann', company: 'Old' }),
      input({ matchEmail: 'b@x.io', email: 'b@x.io', firstName: 'Bo' }),
      undefined,
      input({ matchEmail: 'a@x.io', email: 'a@x.io', company: 'New', phone: null }),
      input({ matchEmail: 'a@x.io', email: 'a@x.io', firstName: null })
    ])
    expect(waves).toEqual([
      [
        {
          row: { matchEmail: 'a@x.io', email: 'a@x.io', firstName: null, company: 'New', phone: null },
          restoreDeleted: true,
          events: [0, 3, 4]
        },
        { row: { matchEmail: 'b@x.io', email: 'b@x.io', firstName: 'Bo' }, restoreDeleted: true, events: [1] }
      ]
    ])
  })

  it('keeps emails that differ in case apart, as Pardot does', () => {
    const waves = mergeByEmail([input({ matchEmail: 'Ann@x.io' }), input({ matchEmail: 'ann@x.io' })])
    expect(waves[0].map((row) => row.events)).toEqual([[0], [1]])
  })

  it('merges per Search Deleted Prospects value', () => {
    const waves = mergeByEmail([
      input({ matchEmail: 'a@x.io', firstName: 'A' }, true),
      input({ matchEmail: 'a@x.io', lastName: 'L' }, false),
      input({ matchEmail: 'a@x.io', firstName: 'B' }, true)
    ])
    expect(waves).toEqual([
      [
        { row: { matchEmail: 'a@x.io', firstName: 'B' }, restoreDeleted: true, events: [0, 2] },
        { row: { matchEmail: 'a@x.io', lastName: 'L' }, restoreDeleted: false, events: [1] }
      ]
    ])
  })

  it('sends a change of email after the rows before it and before the rows after it, never merged', () => {
    const waves = mergeByEmail([
      input({ matchEmail: 'old@x.io', email: 'old@x.io', firstName: 'A' }),
      input({ matchEmail: 'old@x.io', email: 'new@x.io' }),
      input({ matchEmail: 'new@x.io', email: 'new@x.io', lastName: 'L' }),
      input({ matchEmail: 'old@x.io', email: 'old@x.io', firstName: 'Other' }),
      input({ matchEmail: 'c@x.io', email: 'c@x.io' })
    ])
    expect(waves.map((wave) => wave.map((row) => row.events))).toEqual([[[0], [4]], [[1]], [[2], [3]]])
  })
})
