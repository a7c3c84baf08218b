import { import_wait_seconds, MAX_IMPORT_WAIT_S } from '../../destinations/pardot/prospects/mapping-fields'
import { DEFAULT_RETRY } from '../limiter'

describe('Import Wait and the server deadline (review 14: 9)', () => {
  it('keeps the longest wait well inside the deadline, so a batch is never cut by a 504', () => {
    // Room for the uploads before the wait, the last poll and errors download after it, and a turn in the limiter.
    expect((import_wait_seconds.maximum ?? Infinity) * 1000).toBeLessThanOrEqual(DEFAULT_RETRY.deadlineMs - 30_000)
    expect(MAX_IMPORT_WAIT_S).toBe(import_wait_seconds.maximum)
  })
})
