import {
  ErrorCodes,
  getErrorCodeFromHttpStatus,
  MultiStatusResponse,
  type RequestClient,
  type StatsContext
} from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import type { Payload } from './generated-types'
import { customFieldTypes } from './custom-field-types'
import { needsCustomFieldTypes } from './custom-values'
import { csvPlan, importRow, mergeByEmail, type ImportRow, type RowInput } from './import-csv'
import { checkBeforeAnyRequest, writeProspect } from './match'
import { upsertBody } from './upsert-body'

/**
 * A batch of events becomes Pardot Import API uploads: each event's row holds exactly what its single upsert
 * would send. Events are answered one by one: a refused event gets its own 400, the rest the import's fate.
 */
export async function performBatch(
  request: RequestClient,
  { settings, payload, statsContext }: { settings: Settings; payload: Payload[]; statsContext?: StatsContext }
): Promise<MultiStatusResponse> {
  const client = new PardotClient(request, settings, statsContext)
  const answers = new MultiStatusResponse()
  // The custom field catalogue is read once for the whole batch, and only when a value's form depends on it.
  // An event refused anyway (its email, a field name) must not cost the read, nor fail with it.
  const types = payload.some((event) => needsCustomFieldTypes(event.customFields) && passesChecks(event))
    ? await customFieldTypes(client)
    : undefined
  // An event matched by Pardot or Salesforce ID is a PATCH (with its own fallback), not an upsert by email: it
  // keeps its single-event semantics, one request of its own.
  const byId = (event: Payload) => Boolean(event.prospectId?.trim() || event.salesforceId?.trim())
  for (const [index, event] of payload.entries()) {
    if (!byId(event)) continue
    const matchedBy = event.prospectId?.trim() ? 'prospectId' : 'salesforceId'
    try {
      await writeProspect(client, event, types)
      answers.setSuccessResponseAtIndex(index, { status: 200, sent: {}, body: { matchedBy } })
    } catch (error) {
      setError(answers, index, error, { [matchedBy]: event[matchedBy]?.trim() ?? '' })
    }
  }
  const inputs: (RowInput | undefined)[] = payload.map((event, index) => {
    if (byId(event)) return undefined
    try {
      return { row: importRow(upsertBody(event, types)), restoreDeleted: event.secondaryDeletedSearch ?? true }
    } catch (error) {
      answers.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: (error as Error).message
      })
      return undefined
    }
  })
  const sent = (index: number) => inputs[index]?.row ?? {}

  // Each file is one import, created and submitted in one call. Waves (see mergeByEmail) go in order; within a
  // wave, Search Deleted Prospects is per event but `restoreDeleted` per import: one group for each value.
  let stopped: unknown
  const sentSoFar = { imports: 0, rows: 0 }
  for (const wave of mergeByEmail(inputs)) {
    for (const restoreDeleted of [true, false]) {
      const merged = wave.filter((row) => row.restoreDeleted === restoreDeleted)
      if (merged.length === 0) continue
      const plan = csvPlan(merged.map((row) => row.row))
      for (const index of plan.tooLarge.flatMap((i) => merged[i].events)) {
        answers.setErrorResponseAtIndex(index, {
          status: 400,
          errortype: 'PAYLOAD_VALIDATION_FAILED',
          errormessage:
            'This event alone makes a CSV row of 10 MB or more, over the Pardot Import API limit; shorten its fields.'
        })
      }
      for (const file of plan.files) {
        const events = file.rows.flatMap((i) => merged[i].events)
        if (stopped !== undefined) {
          for (const index of events) setError(answers, index, stopped, sent(index), NOT_SENT)
          continue
        }
        try {
          const answer = await client.importProspects(file.csv, { restoreDeleted })
          client.metrics.imported(file.rows.length)
          sentSoFar.imports++
          sentSoFar.rows += file.rows.length
          for (const index of events) {
            answers.setSuccessResponseAtIndex(index, {
              status: 200,
              sent: sent(index),
              body: { importId: answer.id, importStatus: answer.status }
            })
          }
        } catch (error) {
          for (const index of events) setError(answers, index, error, sent(index))
          // Pardot busy, over a limit, or the token refused: the next file would meet the same answer. The rest
          // wait for the retry, which also keeps a later wave from landing before the one it follows.
          if (stopsTheBatch(error)) stopped = error
        }
      }
    }
  }
  client.metrics.batch(sentSoFar.imports, sentSoFar.rows)
  return answers
}

const NOT_SENT = ' Not sent: an earlier import of this batch got this answer, so the rest wait for the retry.'

function stopsTheBatch(error: unknown): boolean {
  const { status = 500 } = error as { status?: number }
  return status === 401 || status === 408 || status === 423 || status === 429 || status >= 500
}

function passesChecks(event: Payload): boolean {
  try {
    checkBeforeAnyRequest(event)
    return true
  } catch {
    return false
  }
}

/**
 * An event's answer as single mode would report it: the error's own code (RETRYABLE_ERROR, PARDOT_154,
 * INVALID_AUTHENTICATION, …), so a batched event is classified the same. `sent` marks what Pardot was given: with
 * it, actions-core reports the failure as the destination's, without it (a refusal of ours) as the integration's.
 */
function setError(answers: MultiStatusResponse, index: number, error: unknown, sent?: ImportRow, note = ''): void {
  const { status = 500, message, code } = error as { status?: number; message: string; code?: unknown }
  const refused = code === ErrorCodes.PAYLOAD_VALIDATION_FAILED
  answers.setErrorResponseAtIndex(index, {
    status,
    // The type lists actions-core's codes only, but the field is free text: single mode reports PARDOT_154 too.
    errortype: typeof code === 'string' ? (code as keyof typeof ErrorCodes) : getErrorCodeFromHttpStatus(status),
    errormessage: message + note,
    ...(sent && !refused ? { sent } : {})
  })
}
