import { MultiStatusResponse, type RequestClient, type StatsContext } from '@segment/actions-core'
import type { Settings } from '../generated-types'
import { PardotClient } from '../pardot-client'
import type { Payload } from './generated-types'
import { setError } from './batch-answers'
import { customFieldTypes } from './custom-field-types'
import { needsCustomFieldTypes } from './custom-values'
import { importRow, mergeByEmail, type RowInput } from './import-csv'
import { sendImports } from './import-batch'
import { MAX_IMPORT_WAIT_S } from './mapping-fields'
import { checkBeforeAnyRequest, writeProspect } from './match'
import { upsertBody } from './upsert-body'

/** The Import Wait field's default, in seconds: short enough for a CDP's batch call. */
export const DEFAULT_IMPORT_WAIT_S = 25

/**
 * A batch of events becomes Pardot Import API uploads: each event's row holds exactly what its single upsert
 * would send. Each import is followed to its end (within Import Wait) and events are answered one by one: a row
 * Pardot refused fails its event with Pardot's reason, the rest get the import's fate.
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
  // One by one, with single-event semantics: an event matched by Pardot or Salesforce ID (a PATCH with its own
  // fallback), and one with Search Deleted Prospects off. An import either restores a prospect from the recycle bin
  // or skips its row, where an upsert without the deleted search creates a new prospect: only the upsert leaves
  // Pardot as single mode does.
  const single = (event: Payload) =>
    Boolean(event.prospectId?.trim() || event.salesforceId?.trim()) || event.secondaryDeletedSearch === false
  for (const [index, event] of payload.entries()) {
    if (!single(event)) continue
    const matchedBy = event.prospectId?.trim() ? 'prospectId' : event.salesforceId?.trim() ? 'salesforceId' : 'email'
    try {
      await writeProspect(client, event, types)
      answers.setSuccessResponseAtIndex(index, { status: 200, sent: {}, body: { matchedBy } })
    } catch (error) {
      setError(answers, index, error, { [matchedBy]: event[matchedBy]?.trim() ?? '' })
    }
  }
  const inputs: (RowInput | undefined)[] = payload.map((event, index) => {
    if (single(event)) return undefined
    try {
      const row = importRow(upsertBody(event, types))
      // Given to every row: with `overwrite: false` (csvPlan) it lands only on prospects that have no campaign.
      if (event.campaignId !== undefined) row.campaignId = event.campaignId
      return { row, restoreDeleted: true }
    } catch (error) {
      answers.setErrorResponseAtIndex(index, {
        status: 400,
        errortype: 'PAYLOAD_VALIDATION_FAILED',
        errormessage: (error as Error).message
      })
      return undefined
    }
  })
  // Capped here too, since a mapping may reach perform without its schema's maximum being checked.
  const waitMs = 1000 * Math.min(payload[0]?.import_wait_seconds ?? DEFAULT_IMPORT_WAIT_S, MAX_IMPORT_WAIT_S)
  const sent = (index: number) => inputs[index]?.row ?? {}
  const split = payload[0]?.import_split_by_fields === true
  await sendImports(client, answers, mergeByEmail(inputs), waitMs, sent, split)
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
