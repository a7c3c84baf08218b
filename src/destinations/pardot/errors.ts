import {
  ErrorCodes,
  HTTPError,
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError,
  type ModifiedResponse
} from '@segment/actions-core'

/**
 * The one place that knows what each Pardot answer means (shared/pardot-v5-reference.md, "Errors").
 * v5 carries the meaning in `code`; the HTTP status is coarse, so it only decides when no code came back.
 */

export type Handling = 'retry' | 'refresh' | 'final' | 'success' | 'not-found'

interface Rule {
  handling: Handling
  /** What the code means, in plain words. */
  meaning: string
  /** What the user should do; absent where there is nothing to do. */
  fix?: string
  /** The status a retryable error carries: 429 for limits, 503 for Pardot-side hiccups. */
  retryAs?: 429 | 503
}

const transient = (meaning: string): Rule => ({
  handling: 'retry',
  retryAs: 503,
  meaning,
  fix: 'This is temporary on Pardot’s side; the event will be retried.'
})

export const PARDOT_ERROR_TABLE: Readonly<Record<number, Rule>> = {
  66: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'more than 5 concurrent API requests for this business unit',
    fix: 'The event will be retried; lower the number of parallel senders if this persists.'
  },
  122: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the daily API call limit of this business unit is used up',
    fix: 'The limit resets at the account’s midnight; the event will be retried, not dropped. Batching (Import API) uses far fewer calls.'
  },
  202: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the per-minute API rate limit is reached',
    fix: 'The event will be retried.'
  },
  85: transient('Pardot had an internal error'),
  116: transient('the request timed out inside Pardot'),
  120: transient('Pardot is synchronising with Salesforce'),
  121: transient('Pardot is synchronising with Salesforce'),
  183: transient('Pardot could not complete the request in time'),
  214: transient('Pardot had a temporary failure'),
  160: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the import has reached its batch limit (10 batches per import)',
    fix: 'The batch will be retried in a new import.'
  },
  164: {
    handling: 'retry',
    retryAs: 429,
    meaning: 'the daily import batch limit (1,000 batches a day) is reached',
    fix: 'The batch will be retried once the limit resets.'
  },
  184: {
    handling: 'refresh',
    meaning: 'the access token is invalid, unknown or expired, or the connected app lacks the pardot_api scope',
    fix: 'If refreshing the token does not help, reconnect the destination with a connected app that has the pardot_api and refresh_token scopes.'
  },
  49: {
    handling: 'final',
    meaning: 'access denied: the connected Salesforce user is not valid for this business unit',
    fix: 'Reconnect with a Salesforce user who has Account Engagement access to this business unit.'
  },
  181: {
    handling: 'final',
    meaning: 'a required header (Pardot-Business-Unit-Id) is missing',
    fix: 'Set the Pardot Business Unit ID setting.'
  },
  182: {
    handling: 'final',
    meaning: 'a header value is invalid',
    fix: 'Check the Pardot Business Unit ID setting: 18 characters starting with 0Uv.'
  },
  201: {
    handling: 'final',
    meaning: 'the business unit was not found or is inactive'
  },
  4: {
    handling: 'final',
    meaning: 'the email address is not valid',
    fix: 'Map Email Address to a valid address.'
  },
  56: {
    handling: 'final',
    meaning: 'a field got a value that is not a valid number',
    fix: 'Send numbers for number fields.'
  },
  57: {
    handling: 'final',
    meaning: 'a field got a value that is not a valid date',
    fix: 'Send dates as YYYY-MM-DD and date-times as ISO-8601 with an offset.'
  },
  150: { handling: 'final', meaning: 'the request body is malformed' },
  151: { handling: 'final', meaning: 'the request body is malformed' },
  152: { handling: 'final', meaning: 'the request body is malformed' },
  153: { handling: 'final', meaning: 'the request body is malformed' },
  154: {
    handling: 'final',
    meaning: 'a field name is not a prospect property Pardot knows',
    fix: 'Check the field names in Other Fields: custom fields are written as <Name>__c, standard fields by their v5 camelCase names (firstName, jobTitle…).'
  },
  180: {
    handling: 'final',
    meaning: 'a field cannot be written in this operation',
    fix: 'Remove that field from the mapping.'
  },
  219: {
    handling: 'final',
    meaning: 'a deleted prospect cannot be updated',
    fix: 'Restore the prospect from Pardot’s recycle bin, or keep Search Deleted Prospects on.'
  },
  13: { handling: 'final', meaning: 'the request did not name the fields to return' },
  209: { handling: 'final', meaning: 'the query has more than 3 filters' },
  58: { handling: 'success', meaning: 'the prospect is already on that list' },
  109: { handling: 'not-found', meaning: 'the record was not found' }
}

/** What Pardot said, read from JSON `{code, message}` or XML `<err code="N">message</err>`. */
export interface PardotAnswer {
  status: number
  format: 'json' | 'xml' | 'other'
  code?: number
  message?: string
}

export function readPardotAnswer(response: Pick<ModifiedResponse, 'status' | 'data' | 'content'>): PardotAnswer {
  const status = response.status
  const json: unknown = isRecord(response.data) ? response.data : parseJson(response.content)
  if (isRecord(json)) {
    const code = Number(json.code)
    return {
      status,
      format: 'json',
      code: Number.isInteger(code) ? code : undefined,
      message: typeof json.message === 'string' ? json.message : undefined
    }
  }
  const xml = /<err\b[^>]*\bcode="(\d+)"[^>]*>([^<]*)<\/err>/.exec(response.content ?? '')
  if (xml) return { status, format: 'xml', code: Number(xml[1]), message: xml[2].trim() }
  return { status, format: 'other' }
}

export function handlingOf(answer: PardotAnswer): Handling {
  if (answer.code === 184 || answer.status === 401) return 'refresh'
  const rule = answer.code === undefined ? undefined : PARDOT_ERROR_TABLE[answer.code]
  if (rule) return rule.handling
  if (answer.status >= 500 || answer.status === 408 || answer.status === 429) return 'retry'
  if (answer.status === 404) return 'not-found'
  return 'final'
}

/** Where the request went: needed to explain a business unit that Pardot cannot find. */
export interface RequestContext {
  apiHost: string
  businessUnitId: string
  isSandbox?: boolean
  isDeveloperOrg?: boolean
}

export function businessUnitHint(ctx: RequestContext): string {
  const where = `Pardot did not find business unit ${ctx.businessUnitId} at ${ctx.apiHost}, or it is inactive.`
  if (ctx.isSandbox || ctx.isDeveloperOrg) {
    const toggle = ctx.isSandbox ? 'Sandbox Instance' : 'Developer Org'
    return `${where} ${toggle} is on, so requests go to the demo host; if this business unit is in a production org, turn ${toggle} off. Otherwise check the Business Unit ID (Salesforce Setup → Account Engagement → Business Unit Setup).`
  }
  return `${where} Requests go to the production host; if this business unit is in a Salesforce sandbox turn on Sandbox Instance, and if it is an Account Engagement developer org turn on Developer Org. Otherwise check the Business Unit ID (Salesforce Setup → Account Engagement → Business Unit Setup).`
}

type RetryableStatus = NonNullable<ConstructorParameters<typeof RetryableError>[1]>
const RETRYABLE_HTTP = new Set([408, 423, 429, 500, 502, 503, 504])

function sentence(parts: (string | undefined)[]): string {
  return parts
    .filter((part): part is string => Boolean(part))
    .map((part) => (/[.!?]$/.test(part) ? part : `${part}.`))
    .join(' ')
}

function describe(answer: PardotAnswer): string {
  const code = answer.code === undefined ? `HTTP ${answer.status}` : `code ${answer.code}, HTTP ${answer.status}`
  return answer.message ? `Pardot answered (${code}): ${answer.message}` : `Pardot answered (${code})`
}

/** Turns a Pardot failure answer into the actions-core error the engine needs to see. */
export function pardotAnswerToError(answer: PardotAnswer, ctx: RequestContext): Error {
  const rule = answer.code === undefined ? undefined : PARDOT_ERROR_TABLE[answer.code]
  const said = describe(answer)

  switch (handlingOf(answer)) {
    case 'refresh':
      return new InvalidAuthenticationError(
        sentence([said, rule?.meaning ?? PARDOT_ERROR_TABLE[184].meaning, PARDOT_ERROR_TABLE[184].fix]),
        ErrorCodes.INVALID_AUTHENTICATION
      )
    case 'retry': {
      const status = rule?.retryAs ?? (RETRYABLE_HTTP.has(answer.status) ? answer.status : 503)
      return new RetryableError(
        sentence([
          said,
          rule?.meaning ?? 'Pardot is temporarily unavailable',
          rule?.fix ?? 'The event will be retried.'
        ]),
        status as RetryableStatus
      )
    }
    case 'not-found':
      return new IntegrationError(sentence([said, rule?.meaning ?? 'not found']), pardotCode(answer), 404)
    default: {
      // Old paths and the wrong host answer XML 400/403 without a v5 code: the same cause as 201.
      const isBusinessUnit =
        answer.code === 201 || (!rule && answer.format === 'xml' && [400, 403].includes(answer.status))
      const fix = isBusinessUnit ? businessUnitHint(ctx) : rule?.fix
      const status =
        answer.status >= 400 && answer.status < 500 && !RETRYABLE_HTTP.has(answer.status) ? answer.status : 400
      return new IntegrationError(sentence([said, rule?.meaning, fix]), pardotCode(answer), status)
    }
  }
}

/**
 * For errors thrown by the request client: an HTTP answer is classified by the table; a request
 * that got no answer (timeout, connection reset) is retryable, since the event may not have landed.
 */
export function toPardotError(error: unknown, ctx: RequestContext): Error {
  if (error instanceof HTTPError) return pardotAnswerToError(readPardotAnswer(error.response as ModifiedResponse), ctx)
  if (
    error instanceof IntegrationError ||
    error instanceof RetryableError ||
    error instanceof InvalidAuthenticationError
  )
    return error
  const reason = error instanceof Error ? error.message : String(error)
  return new PardotUnreachableError(`Pardot did not answer (${reason}); the event will be retried.`)
}

/** A request that got no answer at all; retryable like any other, but callers can tell it from a Pardot answer. */
export class PardotUnreachableError extends RetryableError {
  constructor(message: string) {
    super(message, 503)
  }
}

export function pardotCode(answer: PardotAnswer): string {
  return answer.code === undefined ? `PARDOT_HTTP_${answer.status}` : `PARDOT_${answer.code}`
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** The two answers Salesforce gives a worker that refreshes a token another worker is refreshing. */
const CONCURRENT_REFRESH = ['expired authorization code', 'token request is already being processed']

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
  const body: unknown = isRecord(response.data) ? response.data : parseJson(response.content)
  const error = isRecord(body) && typeof body.error === 'string' ? body.error : undefined
  const description = isRecord(body) && typeof body.error_description === 'string' ? body.error_description : undefined
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
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    return new RetryableError(`${said}. It will be retried.`, 503)
  }
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

/** Never let a token or secret into a message, whatever the other side echoed back. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  return secrets.reduce<string>(
    (out, secret) => (secret && secret.length >= 4 ? out.split(secret).join('[redacted]') : out),
    text
  )
}
