import { ErrorCodes, type Result } from '@segment/actions-core'
import { isRetryableStatus } from '../destinations/pardot/retryable-status'
import { redactDeep } from './exchanges'
import type { PendingImport } from './multistatus'

export interface FailureReport {
  status: number
  code?: string
  message: string
  retryable: boolean
}

/** How one event (or one call's single event) went. */
export interface EventOutcome {
  ok: boolean
  status: number
  results?: Result[]
  error?: FailureReport
  pending?: PendingImport
}

/**
 * Whether a failed event is to be sent again: the destination's rule for its status, and also Pardot refusing the
 * access token (401, INVALID_AUTHENTICATION) after the engine refreshed it and tried once more. That token was live
 * when issued and expired, or was replaced, while the attempt went on (a slot, a quota pause or an Import Wait can
 * outlast it); the next attempt starts with the newest token, so the event must not be dropped for it. A refresh
 * that failed (REFRESH_TOKEN_EXPIRED, OAUTH_REFRESH_FAILED) stays final: only reconnecting helps.
 */
export function retryableFailure(status: number, code?: unknown): boolean {
  return isRetryableStatus(status) || (status === 401 && code === ErrorCodes.INVALID_AUTHENTICATION)
}

/**
 * A thrown value as a report the caller can read. The message goes through the same redactor as the rest of the
 * answer (encoded forms too), and nothing here may throw: a value whose `toString` or getters throw
 * would otherwise escape the limiter's rejection handler and leave the request unanswered.
 */
export function failure(error: unknown, secrets: (string | undefined)[]): FailureReport {
  try {
    const e = (typeof error === 'object' && error !== null ? error : {}) as {
      status?: unknown
      code?: unknown
      message?: unknown
      response?: { status?: unknown }
    }
    const status = Number(e.status ?? e.response?.status ?? 500) || 500
    const message = typeof e.message === 'string' ? e.message : String(error)
    return {
      status,
      code: typeof e.code === 'string' ? redactDeep(e.code, secrets) : undefined,
      message: redactDeep(message, secrets),
      retryable: retryableFailure(status, e.code)
    }
  } catch {
    return { status: 500, message: 'The request failed with an error that cannot be shown.', retryable: true }
  }
}
