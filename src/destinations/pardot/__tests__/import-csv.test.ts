import { csvCell, csvPlan } from '../prospects/import-csv'

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
    const plan = csvPlan(rows, 18 + 2 * 17)
    expect(plan.imports).toHaveLength(1)
    expect(plan.imports[0].map((f) => f.rows)).toEqual([[0, 1], [2, 3], [4]])
    expect(plan.imports[0][2].csv).toBe('matchEmail,email\r\nu4@x.io,u4@x.io\r\n')
  })

  it('counts bytes, not characters', () => {
    expect(csvPlan([{ matchEmail: 'é@x.io', email: 'é@x.io' }], 18 + 15).tooLarge).toEqual([0])
  })

  it('skips refused rows and keeps the indices of the others', () => {
    expect(csvPlan([undefined, rows[1], undefined, rows[3]]).imports[0][0].rows).toEqual([1, 3])
  })

  it('gives rows with different fields their own files, so no blank cell clears a field', () => {
    const plan = csvPlan([
      { matchEmail: 'a@x.io', email: 'a@x.io', firstName: 'A' },
      { matchEmail: 'b@x.io', email: 'b@x.io', company: 'B' },
      { matchEmail: 'c@x.io', email: 'c@x.io', firstName: 'C' },
      { matchEmail: 'd@x.io', email: 'd@x.io', firstName: null }
    ])
    expect(plan.imports.map((files) => files.map((f) => f.csv))).toEqual([
      ['matchEmail,email,firstName\r\na@x.io,a@x.io,A\r\nc@x.io,c@x.io,C\r\nd@x.io,d@x.io,\r\n'],
      ['matchEmail,email,company\r\nb@x.io,b@x.io,B\r\n']
    ])
  })

  it('puts rows with the same fields in another order in one file, cells under the right header', () => {
    const plan = csvPlan([
      { matchEmail: 'a@x.io', email: 'a@x.io', firstName: 'A', Plan__c: 'Pro' },
      { matchEmail: 'b@x.io', Plan__c: 'Free', firstName: 'B', email: 'b@x.io' }
    ])
    expect(plan.imports.map((files) => files.map((f) => f.csv))).toEqual([
      ['matchEmail,email,firstName,Plan__c\r\na@x.io,a@x.io,A,Pro\r\nb@x.io,b@x.io,B,Free\r\n']
    ])
  })

  it('keeps a field name holding a comma in one quoted header cell', () => {
    const plan = csvPlan([{ matchEmail: 'a@x.io', 'odd,name': 'x' }])
    expect(plan.imports[0][0].csv).toBe('matchEmail,"odd,name"\r\na@x.io,x\r\n')
  })

  it('puts at most 10 files in one import', () => {
    const many = Array.from({ length: 23 }, (_, i) => ({ matchEmail: `u${i}@x.io`, email: `u${i}@x.io` }))
    expect(csvPlan(many, 18 + 19).imports.map((files) => files.length)).toEqual([10, 10, 3])
  })
})
