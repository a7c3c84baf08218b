import { getErrorCodeFromHttpStatus, MultiStatusResponse, type RequestClient } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import type { Payload } from './generated-types'
import { csvPlan, importRow, type ImportRow } from './import-csv'
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
  const rows: (ImportRow | undefined)[] = payload.map((event, index) => {
    try {
      return importRow(upsertBody(event))
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
        const { status = 500, message } = error as { status?: number; message: string }
        for (const index of indices) {
          answers.setErrorResponseAtIndex(index, {
            status,
            errortype: getErrorCodeFromHttpStatus(status),
            errormessage: message,
            sent: rows[index] ?? {}
          })
        }
      }
    }
  }
  return answers
}
