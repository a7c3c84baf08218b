import fc from 'fast-check'
import { parse } from 'csv-parse/sync'
import { csvPlan, type ImportRow } from '../../src/destinations/pardot/prospects/import-csv'

/**
 * The Import API's CSV writer, read back by csv-parse: a reader its authors did not write, so a quoting or
 * line-break mistake in the writer cannot be hidden by the same mistake in the tests' own reader. Whatever the rows,
 * every file reads back as the header of its columns and, row by row, each cell as the value written (blank for an
 * absent field or an explicit null), and no file passes the size limit.
 */

const FIELDS = ['email', 'firstName', 'company', 'notes', 'score', 'optedOut', 'campaignId']
const nasty = fc.constantFrom('', ' ', ' padded ', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r\nlf', '"', ',', 'ünï©ødé 😀')
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  nasty,
  fc.integer(),
  fc.boolean(),
  fc.constant(null)
)
const row: fc.Arbitrary<ImportRow> = fc
  .record({ matchEmail: fc.emailAddress(), fields: fc.dictionary(fc.constantFrom(...FIELDS), value) })
  .map(({ matchEmail, fields }) => ({ matchEmail, ...fields }))

const cellOf = (value: ImportRow[string] | undefined) => (value === undefined || value === null ? '' : String(value))

it('writes files csv-parse reads back cell for cell, each under the size limit', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 30 }), fc.integer({ min: 300, max: 5000 }), (rows, maxBytes) => {
      const plan = csvPlan(rows, { maxBytes })
      const written = new Set<number>()
      for (const file of plan.files) {
        expect(Buffer.byteLength(file.csv)).toBeLessThanOrEqual(maxBytes)
        const [header, ...lines] = parse(file.csv)
        expect(header).toEqual(file.fields.map((option) => option.field))
        expect(lines).toEqual(file.rows.map((index) => header.map((name) => cellOf(rows[index][name]))))
        file.rows.forEach((index) => written.add(index))
      }
      // Every row is in a file, or reported as too large to fit alone.
      expect([...written, ...plan.tooLarge].sort((a, b) => a - b)).toEqual(rows.map((_, index) => index))
    }),
    { numRuns: 300 }
  )
})
