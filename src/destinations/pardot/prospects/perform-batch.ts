import { getErrorCodeFromHttpStatus, MultiStatusResponse, type RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import type { Payload } from './generated-types'
import { customFieldTypes } from './custom-field-types'
import { needsCustomFieldTypes } from './custom-values'
import { csvPlan, importRow, type ImportRow } from './import-csv'
import { checkBeforeAnyRequest, writeProspect } from './match'
import { upsertBody } from './upsert-body'

/**
 * A batch of events becomes Pardot Import API uploads: each event's row holds exactly what its single upsert
 * would send. Events are answered one by one: a refused event gets its own 400, the rest the import's fate.
 */
export async function performBatch(
  request: RequestClient,
  { settings, payload }: { settings: Settings; payload: Payload[] }
): Promise<MultiStatusResponse> {
  const client = new PardotClient(request, settings)
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
    try {
      await writeProspect(client, event, types)
      const matchedBy = event.prospectId?.trim() ? 'prospectId' : 'salesforceId'
      answers.setSuccessResponseAtIndex(index, { status: 200, sent: {}, body: { matchedBy } })
    } catch (error) {
      setError(answers, index, error)
    }
  }
  const rows: (ImportRow | undefined)[] = payload.map((event, index) => {
    if (byId(event)) return undefined
    try {
      return importRow(upsertBody(event, types))
    } catch (error) {
      answers.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: (error as Error).message
      })
      return undefined
    }
  })

  // Search Deleted Prospects is per event but `restoreDeleted` per import: one group for each value.
  for (const restoreDeleted of [true, false]) {
    const group = rows.map((row, i) =>
      row && (payload[i].secondaryDeletedSearch ?? true) === restoreDeleted ? row : undefined
    )
    if (group.every((row) => row === undefined)) continue
    const plan = csvPlan(group)
    for (const index of plan.tooLarge) {
      answers.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage:
          'This event alone makes a CSV row of 10 MB or more, over the Pardot Import API limit; shorten its fields.'
      })
    }
    for (const files of plan.imports) {
      const indices = files.flatMap((file) => file.rows)
      try {
        const answer = await client.importProspects(
          files.map((file) => file.csv),
          { restoreDeleted }
        )
        for (const index of indices) {
          answers.setSuccessResponseAtIndex(index, {
            status: 200,
            sent: rows[index] ?? {},
            body: { importId: answer.id, importStatus: answer.status }
          })
        }
      } catch (error) {
        for (const index of indices) setError(answers, index, error, rows[index])
      }
    }
  }
  return answers
}

function passesChecks(event: Payload): boolean {
  try {
    checkBeforeAnyRequest(event)
    return true
  } catch {
    return false
  }
}

function setError(answers: MultiStatusResponse, index: number, error: unknown, sent?: ImportRow): void {
  const { status = 500, message } = error as { status?: number; message: string }
  answers.setErrorResponseAtIndex(index, {
    status,
    errortype: getErrorCodeFromHttpStatus(status),
    errormessage: message,
    ...(sent ? { sent } : {})
  })
}
