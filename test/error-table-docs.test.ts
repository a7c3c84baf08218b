import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PARDOT_ERROR_TABLE } from '../src/destinations/pardot/errors'

// Outside the destination folder: the docs it reads stay here when the folder moves to Segment's repository.
it('cites a source for every row: each code of the error table is a row of docs/pardot-api.md, "Error codes"', () => {
  const doc = readFileSync(join(__dirname, '../docs/pardot-api.md'), 'utf8')
  const start = doc.indexOf('## Error codes')
  const section = doc.slice(start, doc.indexOf('\n## ', start + 1))
  const documented = new Set([...section.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1])))
  expect(
    Object.keys(PARDOT_ERROR_TABLE)
      .map(Number)
      .filter((code) => !documented.has(code))
  ).toEqual([])
})
