import { startLocalServer, type LocalServer } from '../app'
import type { DeliveryReport } from '../deliver'
import type { FollowedImport } from '../import-follower'

let local: LocalServer
let lines: string[]

beforeEach(async () => {
  lines = []
  local = await startLocalServer({
    port: 0,
    // The import takes longer than the Import Wait below, so the batch answers "outcome pending".
    sandbox: { importDelayMs: 600 },
    importFollow: { intervalMs: 50, maxMs: 5000 },
    log: (line) => lines.push(line)
  })
})

afterEach(async () => {
  await local.close()
})

async function sendBatch(traits: Record<string, unknown>[]): Promise<DeliveryReport> {
  const res = await fetch(`${local.url}/prospects`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      payload: traits.map((t) => ({ type: 'identify', userId: 'u', traits: t })),
      mapping: { enable_batching: true, import_wait_seconds: 0.2 },
      useDefaultMappings: true
    })
  })
  return (await res.json()) as DeliveryReport
}

interface ImportsAnswer {
  imports: FollowedImport[]
  counts: Record<string, number>
}

async function importsWhen(done: (answer: ImportsAnswer) => boolean): Promise<ImportsAnswer> {
  // Bounded, so a test that fails cannot leave this loop running after it.
  for (const end = Date.now() + 10_000; Date.now() < end;) {
    const answer = (await (await fetch(`${local.url}/imports`)).json()) as ImportsAnswer
    if (done(answer)) return answer
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('GET /imports did not reach the expected state within 10 s')
}

describe('imports a batch left pending', () => {
  it('are followed in the background; GET /imports and the log show each refused row', async () => {
    const report = await sendBatch([{ email: 'a@example.com' }, { email: 'b@example.com', title: 'x'.repeat(256) }])
    expect(report.events?.map((e) => [e.ok, e.pending?.importId, e.pending?.email])).toEqual([
      [true, 1, 'a@example.com'],
      [true, 1, 'b@example.com']
    ])
    expect(report.events?.[0].pending?.note).toMatch(/^Outcome pending: Pardot took the row \(import 1\)/)
    const answer = await importsWhen((a) => a.counts.complete === 1)
    expect(answer.counts).toEqual({ pending: 0, complete: 1, failed: 0, unknown: 0, refusedRows: 1, unmatchedRows: 0 })
    expect(answer.imports[0]).toMatchObject({
      importId: 1,
      events: 2,
      outcome: 'complete',
      status: 'Complete',
      refused: [
        { email: 'b@example.com', reason: 'The value of jobTitle is 256 characters long; at most 255 are allowed' }
      ]
    })
    expect(lines).toContainEqual(
      'import 1 Complete: 1 of 2 row(s) refused; b@example.com: The value of jobTitle is 256 characters long; at most 255 are allowed'
    )
  })

  it('report an import that ends Failed, so its accepted events are known not to have landed', async () => {
    local.sandbox?.configure({ faults: { rateImportFailed: 1 } })
    await sendBatch([{ email: 'a@example.com' }])
    const answer = await importsWhen((a) => a.counts.failed === 1)
    expect(answer.imports[0]).toMatchObject({ importId: 1, outcome: 'failed', status: 'Failed' })
    expect(lines).toContainEqual(
      'import 1 ended Failed: its 1 event(s), accepted with their outcome pending, did not land; send them again'
    )
  })
})
