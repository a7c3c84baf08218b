import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PARDOT_ERROR_TABLE } from '../src/destinations/pardot/errors'
import { isRetryableStatus } from '../src/destinations/pardot/retryable-status'

// Outside the destination folder: the docs it reads stay here when the folder moves to Segment's repository.
function errorCodesSection(): string {
  const doc = readFileSync(join(__dirname, '../docs/pardot-api.md'), 'utf8')
  const start = doc.indexOf('## Error codes')
  return doc.slice(start, doc.indexOf('\n## ', start + 1))
}

it('cites a source for every row: each code of the error table is a row of docs/pardot-api.md, "Error codes"', () => {
  const documented = new Set([...errorCodesSection().matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1])))
  expect(
    Object.keys(PARDOT_ERROR_TABLE)
      .map(Number)
      .filter((code) => !documented.has(code))
  ).toEqual([])
})

// The generated docs/error-codes.md reads the statuses from isRetryableStatus; this hand-written sentence cannot.
it('names every retried status where docs/pardot-api.md says how a code not in the table is classified', () => {
  const statuses = Array.from({ length: 100 }, (_, i) => 400 + i).filter(isRetryableStatus)
  expect(errorCodesSection()).toContain(`5xx/${statuses.join('/')} retry`)
})
