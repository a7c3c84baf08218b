import {
  ErrorCodes,
  HTTPError,
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError,
  type ModifiedResponse
} from '@segment/actions-core'

/**
 * The one place that knows what each Pardot answer means. Every row of the table below is a code of Pardot's error
 * registry, with its source in docs/pardot-api.md ("Error codes"); a code not in the table keeps Pardot's own
 * message and is classified by its HTTP status alone. v5 carries the meaning in `code`; the HTTP status is coarse,
 * so it only decides when no code came back.
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

/**
 * What a request was for, where that changes what an answer means: a 109 on a PATCH by id means
 * that prospect is gone; a setup answer on an external activity names the Salesforce step to take.
 */
export type Operation =
  /** `salesforceId`: the prospect was found by a query for that Salesforce ID, not mapped by its prospect ID. */
  | { kind: 'update-prospect'; prospectId: number; salesforceId?: string }
  | { kind: 'external-activity'; extension: string; type: string }

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
  85: transient('Pardot could not save the prospect'),
  116: transient('the request was outdated when Pardot handled it'),
  120: transient('Pardot could not verify its Salesforce connector'),
  121: transient('Pardot could not sync the prospect with Salesforce'),
  183: transient('an internal error occurred in Pardot, which asks to try the request again'),
  214: transient('the API request timed out inside Pardot'),
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
  227: {
    handling: 'final',
    meaning: 'the import’s CSV header does not match its field options',
    fix: 'This is a fault of the destination’s import file; please report it. Turning batching off sends the events one by one.'
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
  150: { handling: 'final', meaning: 'the request body is not valid JSON' },
  151: { handling: 'final', meaning: 'the request’s content type is not one this endpoint takes' },
  152: { handling: 'final', meaning: 'the request body is empty' },
  153: { handling: 'final', meaning: 'a required property is missing from the request' },
  154: {
    handling: 'final',
    meaning: 'a property in the request is not valid (a name or a value Pardot does not take)',
    fix: 'Check the field names and values in Other Fields: custom fields are written as <Name>__c, standard fields by their v5 camelCase names (firstName, jobTitle…).'
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
  13: { handling: 'final', meaning: 'a required parameter is missing' },
  209: { handling: 'final', meaning: 'the query has filters on more than 3 fields' },
  58: { handling: 'success', meaning: 'the prospect is already on that list' },
  109: { handling: 'not-found', meaning: 'the record was not found' }
  // No row for an extension or activity type that is unknown, inactive or not assigned to the business unit:
  // Pardot documents no code for it (228 is the Import API's "mixed API versions"; 229 is not in the registry).
  // Such an answer keeps Pardot's message, and setupStep() adds the Salesforce setup step its words point to.
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
    return {
      status,
      format: 'json',
      code: codeOf(json.code),
      message: typeof json.message === 'string' ? json.message : undefined
    }
  }
  const text = response.content ?? ''
  const err = /<err\b([^>]*)>([^<]*)<\/err>/.exec(text)
  if (err) {
    const code = /\bcode="(\d+)"/.exec(err[1])
    return { status, format: 'xml', code: code ? Number(code[1]) : undefined, message: err[2].trim() || undefined }
  }
  if (/^\s*<\?xml\b|^\s*<rsp\b/.test(text)) return { status, format: 'xml', message: plain(text) }
  // An HTML error page (a proxy's 502, say) says nothing a user can act on; short plain text does.
  return { status, format: 'other', message: /^\s*</.test(text) ? undefined : plain(text) }
}

/** Only a number or a string of digits is a Pardot code: `null`, `""` or `true` are not code 0 or 1. */
function codeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  return undefined
}

function plain(text: string): string | undefined {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (!flat) return undefined
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

function ruleFor(answer: PardotAnswer): Rule | undefined {
  return answer.code === undefined ? undefined : PARDOT_ERROR_TABLE[answer.code]
}

export function handlingOf(answer: PardotAnswer): Handling {
  if (answer.code === 184 || answer.status === 401) return 'refresh'
  // Whatever code came with it, a 5xx is Pardot's own failure: retried, never final.
  if (answer.status >= 500) return 'retry'
  const rule = ruleFor(answer)
  if (rule) return rule.handling
  if (answer.status === 408 || answer.status === 429) return 'retry'
  if (answer.status === 404) return 'not-found'
  return 'final'
}

/** Where the request went: needed to explain a business unit that Pardot cannot find. */
export interface RequestContext {
  apiHost: string
  businessUnitId: string
  isSandbox?: boolean
  isDeveloperOrg?: boolean
  operation?: Operation
}

export function businessUnitHint(ctx: RequestContext): string {
  const where = `Pardot did not find business unit ${ctx.businessUnitId} at ${ctx.apiHost}, or it is inactive.`
  if (ctx.isSandbox || ctx.isDeveloperOrg) {
    const toggle = ctx.isSandbox ? 'Sandbox Instance' : 'Developer Org'
    return `${where} ${toggle} is on, so requests go to the demo host; if this business unit is in a production org, turn ${toggle} off. Otherwise check the Business Unit ID (Salesforce Setup → Account Engagement → Business Unit Setup).`
  }
  return `${where} Requests go to the production host; if this business unit is in a Salesforce sandbox turn on Sandbox Instance, and if it is an Account Engagement developer org turn on Developer Org. Otherwise check the Business Unit ID (Salesforce Setup → Account Engagement → Business Unit Setup).`
}

const SETUP = 'Salesforce Setup → Marketing App Extensions'

/** Whether `message` names `name` as a whole word, exactly as mapped (API names are case-sensitive identifiers). */
function names(message: string, name: string): boolean {
  return (
    name !== '' &&
    new RegExp(`(?<![A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`).test(message)
  )
}

/**
 * The setup step an external activity lacks, when Pardot's words are about its extension or activity type. Read
 * from the message, never the code: Pardot documents no code for these answers (docs/pardot-api.md). A message is
 * about them only when it names the mapped extension or type, or says "activity type" or "Marketing App Extension":
 * a bare "type" or "extension" also appears in "Unsupported content-type" or "file extension", which are not.
 */
function setupStep(answer: PardotAnswer, op: Extract<Operation, { kind: 'external-activity' }>, bu: string) {
  const message = answer.message ?? ''
  const aboutType = /\bactivity type\b/i.test(message) || names(message, op.type)
  const aboutExtension = /\bmarketing app extension\b/i.test(message) || names(message, op.extension)
  if (!aboutType && !aboutExtension) return undefined
  const inactive = /inactive|not active/i.test(message)
  const [extension, type] = [`"${op.extension}"`, `"${op.type}"`]
  if (aboutType) {
    return inactive
      ? `In ${SETUP}, open the extension ${extension}, then its activity type ${type}, and turn on Active in Automations.`
      : `In ${SETUP}, open the extension ${extension}, add an activity type whose API name is ${type} and turn on Active in Automations for it. Type must be the activity type's API name, not its label.`
  }
  return inactive
    ? `In ${SETUP}, open the extension ${extension} and turn on Active in Automations (its activity type ${type} must be active too).`
    : `In ${SETUP}, create an extension whose API name is ${extension}, add the activity type ${type} to it, turn on Active in Automations for both, and assign the extension to business unit ${bu} (activities reach only the business unit the extension is assigned to). Extension must be the extension's API name, not its label.`
}

/** A fix that depends on what the request was for; it replaces the table's general one. */
function operationFix(answer: PardotAnswer, handling: Handling, ctx: RequestContext): string | undefined {
  const op = ctx.operation
  if (op?.kind === 'update-prospect' && op.salesforceId) {
    // The query found this prospect a moment ago, so it changed since (or the query lagged): a new query settles it.
    const found = `Prospect ${op.prospectId}, found by Salesforce ID ${op.salesforceId},`
    if (handling === 'not-found') {
      return `${found} no longer exists in this business unit: it was merged or emptied from the recycle bin after the query (Pardot's reads can lag its writes by up to a minute). The event will be retried: the query then finds the prospect now synced with that Salesforce ID, or none, and the upsert by email runs.`
    }
    if (answer.code === 219) {
      return `${found} was moved to Pardot's recycle bin after the query. The event will be retried: the query then leaves it out, and the upsert by email runs (Search Deleted Prospects restores it). To update it instead, restore it from the recycle bin.`
    }
  }
  if (op?.kind === 'update-prospect') {
    if (handling === 'not-found') {
      return `Prospect ${op.prospectId} no longer exists in this business unit (it was merged, or emptied from the recycle bin). Map Pardot Prospect ID to a current prospect ID, or leave it empty to match by Salesforce ID or email.`
    }
    if (answer.code === 219) {
      return `Prospect ${op.prospectId} is in Pardot's recycle bin: restore it there, or leave Pardot Prospect ID empty so the upsert by email finds it (Search Deleted Prospects restores it).`
    }
  }
  if (op?.kind === 'external-activity') {
    if (answer.code === 4) {
      return 'Pardot records an external activity only on an existing prospect and gives this answer too when no prospect has the email: create the prospect first (Upsert Prospect), or map Email Address to the address of an existing prospect.'
    }
    // 154's general fix speaks of Other Fields, which this action does not have.
    const step = setupStep(answer, op, ctx.businessUnitId)
    if (step || answer.code !== 154) return step
    return 'Check the mapped Extension and Activity Type (API names), Value (at most 100 characters) and Activity Date (ISO-8601 with an offset).'
  }
  return undefined
}

type RetryableStatus = NonNullable<ConstructorParameters<typeof RetryableError>[1]>
const RETRYABLE_HTTP = new Set([408, 423, 429, 500, 502, 503, 504])

function sentence(parts: (string | undefined)[]): string {
  return parts
    .filter((part): part is string => Boolean(part))
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .map((part) => (/[.!?]$/.test(part) ? part : `${part}.`))
    .join(' ')
}

function describe(answer: PardotAnswer): string {
  const code = answer.code === undefined ? `HTTP ${answer.status}` : `code ${answer.code}, HTTP ${answer.status}`
  return answer.message ? `Pardot answered (${code}): ${answer.message}` : `Pardot answered (${code})`
}

/** Turns a Pardot failure answer into the actions-core error the engine needs to see. */
export function pardotAnswerToError(answer: PardotAnswer, ctx: RequestContext): Error {
  const rule = ruleFor(answer)
  const said = describe(answer)
  const handling = handlingOf(answer)

  switch (handling) {
    case 'refresh':
      return new InvalidAuthenticationError(
        sentence([said, rule?.meaning ?? PARDOT_ERROR_TABLE[184].meaning, PARDOT_ERROR_TABLE[184].fix]),
        ErrorCodes.INVALID_AUTHENTICATION
      )
    case 'retry': {
      // A final code that came with a 5xx: its fix would tell the user to change what may be fine.
      const retryRule = rule?.handling === 'retry' ? rule : undefined
      const status = retryRule?.retryAs ?? (RETRYABLE_HTTP.has(answer.status) ? answer.status : 503)
      return new RetryableError(
        sentence([
          said,
          retryRule?.meaning ?? 'Pardot is temporarily unavailable',
          retryRule?.fix ?? 'The event will be retried.'
        ]),
        status as RetryableStatus
      )
    }
    case 'not-found':
      return new IntegrationError(
        sentence([said, rule?.meaning ?? 'not found', operationFix(answer, handling, ctx)]),
        pardotCode(answer),
        404
      )
    default: {
      // Old paths and the wrong host answer XML 400/403 without a v5 code: the same cause as 201.
      const isBusinessUnit =
        answer.code === 201 ||
        (!rule &&
          [400, 403].includes(answer.status) &&
          (answer.format === 'xml' || /business unit/i.test(answer.message ?? '')))
      const fix = isBusinessUnit ? businessUnitHint(ctx) : (operationFix(answer, handling, ctx) ?? rule?.fix)
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
  return new RetryableError(`Pardot did not answer (${reason}); the event will be retried.`, 503)
}

/** The Pardot code an error message of ours carries (`Pardot answered (code 122, HTTP 400)`), if any. */
export function pardotCodeIn(message: string | undefined): number | undefined {
  const found = /Pardot answered \(code (\d+), HTTP \d+\)/.exec(message ?? '')
  return found ? Number(found[1]) : undefined
}

/** Whether an error from toPardotError means Pardot did not find the record. */
export function isNotFound(error: unknown): boolean {
  return error instanceof IntegrationError && error.status === 404
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
