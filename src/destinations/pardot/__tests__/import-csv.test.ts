import { csvCell, csvFiles, importsOf } from '../prospects/import-csv'

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

describe('splitting', () => {
  const rows = Array.from({ length: 5 }, (_, i) => ({ matchEmail: `u${i}@x.io`, email: `u${i}@x.io` }))

  it('fills each file up to the byte limit, header repeated', () => {
    // header "matchEmail,email\r\n" is 18 bytes, each row 17 bytes
    const plan = csvFiles(rows, 18 + 2 * 17)
    expect(plan.files.map((f) => f.rows)).toEqual([[0, 1], [2, 3], [4]])
    expect(plan.files[2].csv).toBe('matchEmail,email\r\nu4@x.io,u4@x.io\r\n')
  })

  it('counts bytes, not characters', () => {
    const plan = csvFiles([{ matchEmail: 'é@x.io', email: 'é@x.io' }], 18 + 15)
    expect(plan.tooLarge).toEqual([0])
  })

  it('skips refused rows and keeps the indices of the others', () => {
    expect(csvFiles([undefined, rows[1], undefined, rows[3]]).files[0].rows).toEqual([1, 3])
  })

  it('puts at most 10 files in one import', () => {
    expect(importsOf(Array.from({ length: 23 }, (_, i) => i)).map((files) => files.length)).toEqual([10, 10, 3])
  })
})
