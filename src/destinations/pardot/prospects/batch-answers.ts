import { ErrorCodes, getErrorCodeFromHttpStatus, type MultiStatusResponse } from '@segment/actions-core'
import { isRetryableStatus } from '../retryable-status'
import type { ImportRow } from './import-csv'

export const NOT_SENT = ' Not sent: an earlier import of this batch got this answer, so the rest wait for the retry.'

/** Pardot busy, over a limit, or the token refused: the next file would meet the same answer. */
export function stopsTheBatch(error: unknown): boolean {
  const { status = 500 } = error as { status?: number }
  return status === 401 || isRetryableStatus(status)
}

/**
 * Where Pardot's words point at a missing campaign (no code is documented for it), the fix: map Campaign ID.
 * Returns the text to append, or ''.
 */
export function campaignHint(reason: string): string {
  return /campaign/i.test(reason)
    ? ' Pardot wants a campaign for the prospects this import creates: map the Campaign ID (batching) field (campaignId) to the ID of a Pardot campaign.'
    : ''
}

/**
 * An event's answer as single mode would report it: the error's own code (RETRYABLE_ERROR, PARDOT_154,
 * INVALID_AUTHENTICATION, …), so a batched event is classified the same. `sent` marks what Pardot was given: with
 * it, actions-core reports the failure as the destination's, without it (a refusal of ours) as the integration's.
 */
export function setError(
  answers: MultiStatusResponse,
  index: number,
  error: unknown,
  sent?: ImportRow,
  note = ''
): void {
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
