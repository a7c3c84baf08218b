import type { Reply } from '../sandbox/http'
import { RequestError } from './body'
import type { EventOutcome } from './deliver'
import type { Refusal } from './security'

/** What went wrong in a reply, in one line, or undefined when it went well. */
export function describeFailure(reply: Reply): string | undefined {
  const body = isObject(reply.body) ? reply.body : {}
  const events = Array.isArray(body.events) ? (body.events as EventOutcome[]) : []
  const failed = events.filter((event) => !event.ok)
  if (failed.length > 0) {
    return `${failed.length} of ${events.length} events failed; the first: ${failed[0].error?.message ?? ''}`
  }
  const error = body.error
  if (typeof error === 'string') return error
  if (isObject(error)) return typeof error.message === 'string' ? error.message : JSON.stringify(error)
  return reply.status >= 400 ? `status ${reply.status}` : undefined
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The answer to an error: our own refusals are worded for the caller; anything else may quote a body or a token. */
export function errorReply(error: unknown, hide: (text: string) => string): Refusal {
  if (error instanceof RequestError) return { status: error.status, message: error.message }
  return {
    status: 500,
    message: `The local server failed: ${hide(error instanceof Error ? error.message : String(error))}`
  }
}
