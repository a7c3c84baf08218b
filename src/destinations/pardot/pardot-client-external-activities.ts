/** Pardot API v5 external activities: record one on the prospect with the email. */
import type { AnswerHint } from './errors'
import type { PardotClient } from './pardot-client'
import { PARDOT_API_PREFIX } from './versioning-info'

export interface ExternalActivityBody {
  extension: string
  type: string
  value: string
  email: string
  /** ISO-8601 with an offset: when the activity happened (Pardot uses the time it arrives when absent). */
  activityDate?: string
}

export const EXTERNAL_ACTIVITIES_PATH = `${PARDOT_API_PREFIX}/external-activities`

/** `hint`: the action's reading of a setup answer (externalActivity/answer-hints.ts). */
export function createExternalActivity(client: PardotClient, body: ExternalActivityBody, hint?: AnswerHint) {
  return client.send<unknown>('POST', EXTERNAL_ACTIVITIES_PATH, { json: body }, hint)
}
