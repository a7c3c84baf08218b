import {
  ErrorCodes,
  HTTPError,
  IntegrationError,
  InvalidAuthenticationError,
  RetryableError,
  type ModifiedResponse
} from '@segment/actions-core'
import { isRetryableStatus } from '../retryable-status'
import { pardotCode, readPardotAnswer, type PardotAnswer } from './answer'
import { PARDOT_ERROR_TABLE, type Handling, type PardotErrorRow } from './table'

/**
 * Answer → actions-core error: the one place that decides what a Pardot failure means, from the error table
 * (table.ts). v5 carries the meaning in `code`; the HTTP status is coarse, so it only decides when no code came back.
 * What an answer means for one action (the prospect it updates, the extension it names) is the action's own
 * `AnswerHint`, handed in with the request: this module knows no action.
 */

/**
 * An action's fix for a failure, from what its request was for; it replaces the table's general fix (undefined
 * keeps it). Asked for final and not-found answers only: a retry or a token refresh needs no action of the user.
 */
export type AnswerHint = (answer: PardotAnswer, handling: Handling, context: RequestContext) => string | undefined

/** Where the request went (needed to explain a business unit that Pardot cannot find), and the action's hint. */
export interface RequestContext {
  apiHost: string
  businessUnitId: string
  isSandbox?: boolean
  isDeveloperOrg?: boolean
  hint?: AnswerHint
}

function rowFor(answer: PardotAnswer): PardotErrorRow | undefined {
  return answer.code === undefined ? undefined : PARDOT_ERROR_TABLE[answer.code]
}

export function handlingOf(answer: PardotAnswer): Handling {
  if (answer.code === 184 || answer.status === 401) return 'refresh'
  // Whatever code came with it, a 5xx is Pardot's own failure: retried, never final.
  if (answer.status >= 500) return 'retry'
  const row = rowFor(answer)
  if (row) return row.handling
  if (isRetryableStatus(answer.status)) return 'retry'
  if (answer.status === 404) return 'not-found'
  return 'final'
}

function businessUnitHint(ctx: RequestContext): string {
  const where = `Pardot did not find business unit ${ctx.businessUnitId} at ${ctx.apiHost}, or it is inactive.`
  if (ctx.isSandbox || ctx.isDeveloperOrg) {
    const toggle = ctx.isSandbox ? 'Sandbox Instance' : 'Developer Org'
    return `${where} ${toggle} is on, so requests go to the demo host; if this business unit is in a production org, turn ${toggle} off. Otherwise check the Business Unit ID (Salesforce Setup → Account Engagement → Business Unit Setup).`
  }
  return `${where} Requests go to the production host; if this business unit is in a Salesforce sandbox turn on Sandbox Instance, and if it is an Account Engagement developer org turn on Developer Org. Otherwise check the Business Unit ID (Salesforce Setup → Account Engagement → Business Unit Setup).`
}

type RetryableStatus = NonNullable<ConstructorParameters<typeof RetryableError>[1]>

/**
 * The status a retry carries when no row names one: Pardot's own when it is a common retryable status (408, 423,
 * 429, 500, 502–504); an unusual one (501, 505 and up) or a 4xx whose code says retry, as 503.
 */
function retryStatus(status: number): RetryableStatus {
  return isRetryableStatus(status) && status !== 501 && status <= 504 ? (status as RetryableStatus) : 503
}

/** A final error's status: a 4xx as Pardot gave it, unless the platform would retry it (a final code on a 429). */
function finalStatus(status: number): number {
  return status >= 400 && status < 500 && !isRetryableStatus(status) ? status : 400
}

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

function retryError(answer: PardotAnswer, row: PardotErrorRow | undefined): RetryableError {
  // A final code that came with a 5xx: its fix would tell the user to change what may be fine.
  const retryRow = row?.handling === 'retry' ? row : undefined
  return new RetryableError(
    sentence([
      describe(answer),
      retryRow?.meaning ?? 'Pardot is temporarily unavailable',
      retryRow?.fix ?? 'The event will be retried.'
    ]),
    retryRow?.retryAs ?? retryStatus(answer.status)
  )
}

/** A final answer ('final', or 'success' where the caller did not expect it). */
function finalError(answer: PardotAnswer, handling: Handling, ctx: RequestContext): IntegrationError {
  const row = rowFor(answer)
  // Old paths and the wrong host answer XML 400/403 without a v5 code: the same cause as 201.
  const isBusinessUnit =
    answer.code === 201 ||
    (!row &&
      [400, 403].includes(answer.status) &&
      (answer.format === 'xml' || /business unit/i.test(answer.message ?? '')))
  const fix = isBusinessUnit ? businessUnitHint(ctx) : (ctx.hint?.(answer, handling, ctx) ?? row?.fix)
  return new IntegrationError(
    sentence([describe(answer), row?.meaning, fix]),
    pardotCode(answer),
    finalStatus(answer.status)
  )
}

/** Turns a Pardot failure answer into the actions-core error the engine needs to see. */
export function pardotAnswerToError(answer: PardotAnswer, ctx: RequestContext): Error {
  const row = rowFor(answer)
  const handling = handlingOf(answer)
  switch (handling) {
    case 'refresh':
      return new InvalidAuthenticationError(
        sentence([describe(answer), row?.meaning ?? PARDOT_ERROR_TABLE[184].meaning, PARDOT_ERROR_TABLE[184].fix]),
        ErrorCodes.INVALID_AUTHENTICATION
      )
    case 'retry':
      return retryError(answer, row)
    case 'not-found':
      return new IntegrationError(
        sentence([describe(answer), row?.meaning ?? 'not found', ctx.hint?.(answer, 'not-found', ctx)]),
        pardotCode(answer),
        404
      )
    default:
      return finalError(answer, handling, ctx)
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

/** Whether an error from toPardotError means Pardot did not find the record. */
export function isNotFound(error: unknown): boolean {
  return error instanceof IntegrationError && error.status === 404
}
