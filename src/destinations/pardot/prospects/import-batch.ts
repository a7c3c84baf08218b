import type { MultiStatusResponse } from '@segment/actions-core'
import type { PardotClient } from '../pardot-client'
import { createImport } from '../pardot-client-imports'
import { campaignHint, NOT_SENT, setError, stopsTheBatch } from './batch-answers'
import { emailKey, followImport, oneAtATime, type ImportOutcome } from './follow-import'
import { csvPlan, type ImportRow, type MergedRow } from './import-csv'

interface Created {
  importId: number
  rows: MergedRow[]
}

/**
 * Sends the waves of a batch (see mergeByEmail) in order, each file one import created Ready in one call, and
 * follows the imports of a wave together until they end or the wait is over. A later wave is sent only once the
 * earlier one's imports have ended, since Pardot does not apply imports in the order they were sent.
 */
export async function sendImports(
  client: PardotClient,
  answers: MultiStatusResponse,
  waves: MergedRow[][],
  waitMs: number,
  sent: (index: number) => ImportRow,
  splitByFields = false
): Promise<void> {
  const deadline = Date.now() + waitMs
  const turn = oneAtATime()
  let stopped: { error: unknown; note: string } | undefined
  const sentSoFar = { imports: 0, rows: 0 }
  for (const wave of waves) {
    const plan = csvPlan(
      wave.map((row) => row.row),
      { splitByFields }
    )
    for (const index of plan.tooLarge.flatMap((i) => wave[i].events)) {
      answers.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage:
          'This event alone makes a CSV row of 10 MB or more, over the Pardot Import API limit; shorten its fields.'
      })
    }
    const created: Created[] = []
    for (const file of plan.files) {
      const rows = file.rows.map((i) => wave[i])
      if (stopped !== undefined) {
        for (const i of rows.flatMap((row) => row.events)) setError(answers, i, stopped.error, sent(i), stopped.note)
        continue
      }
      try {
        created.push({ importId: (await createImport(client, file.csv, file.fields)).id, rows })
        client.metrics.imported(file.rows.length)
        sentSoFar.imports++
        sentSoFar.rows += file.rows.length
      } catch (error) {
        const hinted = withHint(error)
        for (const i of rows.flatMap((row) => row.events)) setError(answers, i, hinted, sent(i))
        // The rest wait for the retry, which also keeps a later wave from landing before the one it follows.
        if (stopsTheBatch(error)) stopped = { error: hinted, note: NOT_SENT }
      }
    }
    // However long the uploads took, each import is polled at least once, unless the wait is 0 (do not follow).
    const follow = ({ importId, rows }: Created): Promise<ImportOutcome> =>
      waitMs > 0
        ? followImport(client, importId, Math.max(1, deadline - Date.now()), turn, undefined, emailsOf(rows))
        : Promise.resolve({ kind: 'pending', importId, status: 'Waiting' })
    const outcomes = await Promise.all(created.map(follow))
    outcomes.forEach((outcome, k) => answerImport(answers, created[k].rows, outcome, waitMs, sent))
    const unsettled = outcomes.find((outcome) => outcome.kind !== 'complete')
    if (unsettled && stopped === undefined) {
      const error = { status: 503, message: `Import ${unsettled.importId} of this batch has not ended well yet.` }
      stopped = { error, note: ' Not sent: this event must land after it, so it waits for the retry.' }
    }
  }
  client.metrics.batch(sentSoFar.imports, sentSoFar.rows)
}

/** Answers the events of one import from how it ended. */
function answerImport(
  answers: MultiStatusResponse,
  rows: MergedRow[],
  outcome: ImportOutcome,
  waitMs: number,
  sent: (index: number) => ImportRow
) {
  const { importId } = outcome
  for (const { row, events } of rows) {
    const each = (answer: (index: number) => void) => events.forEach(answer)
    if (outcome.kind === 'failed') {
      const message = `Pardot import ${importId} ended ${outcome.status}, so none of its rows can be counted on; the event will be retried.`
      each((i) => setError(answers, i, { status: 500, message, code: 'RETRYABLE_ERROR' }, sent(i)))
      continue
    }
    if (outcome.kind === 'unread') {
      // Some rows were refused but we cannot tell which: success could hide a refusal, so all are retried.
      const message = `Pardot import ${importId} refused ${outcome.errorCount} row(s), but its errors file could not be read (${outcome.why}); the event will be retried.`
      each((i) => setError(answers, i, { status: 503, message, code: 'RETRYABLE_ERROR' }, sent(i)))
      continue
    }
    if (outcome.kind === 'pending') {
      const why = outcome.why ? `, and following it stopped: ${outcome.why}` : ''
      const note = `Outcome pending: Pardot took the row (import ${importId}) but had not finished the import within the ${waitMs / 1000} s Import Wait (last status ${outcome.status}${why}). A row Pardot refuses later does not show here; see the import's errors in Pardot (or GET /imports on the local server).`
      const body = { importId, importStatus: outcome.status, outcome: 'pending', note }
      each((i) => answers.setSuccessResponseAtIndex(i, { status: 200, sent: sent(i), body }))
      continue
    }
    const reason = outcome.refused.get(emailKey(String(row.matchEmail)))
    if (reason !== undefined) {
      // Pardot's row errors carry no code: a reason that reads as temporary is retried, any other is final.
      const status = /temporar|try again|timed? ?out|internal error/i.test(reason) ? 503 : 400
      const message = `Pardot refused this event's row in import ${importId}: ${reason}.${campaignHint(reason)}`
      const last = events[events.length - 1]
      each((i) => {
        // Events merged into one row share its refusal, but only the last one's values are sure to be in it (the
        // others' may be valid and were overwritten or joined): a final refusal goes to the last event only, the
        // others are retried, so a valid event is never dropped for another event's bad value.
        if (status === 400 && i !== last) {
          const merged = `Pardot refused the row this event was merged into (import ${importId}, with a later event for the same email): ${reason}. The fault may be the other event's, so this one will be sent again.`
          setError(answers, i, { status: 503, message: merged, code: 'RETRYABLE_ERROR' }, sent(i))
        } else setError(answers, i, { status, message, code: 'PARDOT_IMPORT_ROW_REFUSED' }, sent(i))
      })
    } else if (outcome.unmatched > 0) {
      const message = `Pardot refused ${outcome.unmatched} row(s) of import ${importId} that its errors file does not name by email, so this event's fate is unknown; it will be sent again (an upsert lands the same way twice).`
      each((i) => setError(answers, i, { status: 502, message, code: 'RETRYABLE_ERROR' }, sent(i)))
    } else {
      const body = { importId, importStatus: 'Complete' }
      each((i) => answers.setSuccessResponseAtIndex(i, { status: 200, sent: sent(i), body }))
    }
  }
}

function emailsOf(rows: MergedRow[]): string[] {
  return rows.map((row) => String(row.row.matchEmail))
}

/** The create call's refusal, with the fix named when Pardot's words point at a missing campaign. */
function withHint(error: unknown): unknown {
  const e = error as { message?: unknown }
  const hint = typeof e?.message === 'string' ? campaignHint(e.message) : ''
  if (hint && error instanceof Error) error.message += hint
  return error
}
