import { ErrorCodes, InvalidAuthenticationError, RetryableError, type ModifiedResponse } from '@segment/actions-core'
import { isRecord } from '../guards'
import { isRetryableStatus } from '../retryable-status'
import { parseJson } from './answer'
import { redact } from './redact'

/** The two answers Salesforce gives a worker that refreshes a token another worker is refreshing. */
const CONCURRENT_REFRESH = ['expired authorization code', 'token request is already being processed']

/** Salesforce's OAuth error body: `{error, error_description}`. */
function oauthError(response: Pick<ModifiedResponse, 'data' | 'content'>) {
  const body: unknown = isRecord(response.data) ? response.data : parseJson(response.content)
  const error = isRecord(body) && typeof body.error === 'string' ? body.error : undefined
  const description = isRecord(body) && typeof body.error_description === 'string' ? body.error_description : undefined
  return { error, description }
}

/**
 * Turns a failed refresh_token grant into the right error. `response` is undefined when the
 * login host gave no answer at all. `secrets` are scrubbed from every message.
 */
export function oauthAnswerToError(
  response: Pick<ModifiedResponse, 'status' | 'data' | 'content'> | undefined,
  loginHost: string,
  secrets: (string | undefined)[],
  cause?: unknown
): Error {
  if (!response) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    return new RetryableError(
      redact(
        `Salesforce login (${loginHost}) did not answer the token refresh (${reason}). It will be retried.`,
        secrets
      ),
      503
    )
  }
  const { error, description } = oauthError(response)
  if (response.status >= 200 && response.status < 300) {
    return new InvalidAuthenticationError(
      `Salesforce (${loginHost}) answered the token refresh without an access token. Reconnect the destination.`,
      ErrorCodes.OAUTH_REFRESH_FAILED
    )
  }
  const said = redact(
    `Salesforce (${loginHost}) refused to refresh the access token: ${error ?? `HTTP ${response.status}`}` +
      (description ? ` ("${description}")` : ''),
    secrets
  )
  if (isRetryableStatus(response.status)) return new RetryableError(`${said}. It will be retried.`, 503)
  return refusedRefresh(said, error, description)
}

/** A refresh Salesforce refused for good, or because another worker is refreshing the same token. */
function refusedRefresh(said: string, error: string | undefined, description: string | undefined): Error {
  if (error === 'invalid_grant' && description && CONCURRENT_REFRESH.includes(description.toLowerCase())) {
    return new RetryableError(
      `${said}. Another request is refreshing the same token at this moment; the event will be retried.`,
      429
    )
  }
  if (error === 'invalid_grant') {
    return new InvalidAuthenticationError(
      `${said}. The refresh token has expired or was revoked, or the user lost access: reconnect the destination.`,
      ErrorCodes.REFRESH_TOKEN_EXPIRED
    )
  }
  const fix = error?.includes('client')
    ? "Check the connected app's consumer key and secret, then reconnect the destination."
    : 'Reconnect the destination.'
  return new InvalidAuthenticationError(`${said}. ${fix}`, ErrorCodes.OAUTH_REFRESH_FAILED)
}
