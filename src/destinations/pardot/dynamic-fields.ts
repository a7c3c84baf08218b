import { RetryableError, type DynamicFieldResponse, type RequestClient, type StatsContext } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { PardotClient } from './pardot-client'
import { customFields } from './pardot-client-custom-fields'
import { listsPage } from './pardot-client-lists'

/**
 * The mapping UI's dropdowns, read from the account itself. A failure (expired token, wrong business
 * unit, Pardot down) is shown as the dropdown's error with the same message an event would get,
 * never thrown: a thrown error would leave the UI with an empty list and no reason.
 */

/**
 * Static lists only: dynamic lists are filled by their criteria, the API cannot change them. One page per call.
 * The platform's statsContext goes to the client, so a dropdown's failed reads count in the `error` metric too.
 */
export function staticListChoices(request: RequestClient, settings: Settings, page?: string, stats?: StatsContext) {
  return choicesOrError(async () => {
    const { values, nextPage } = await listsPage(new PardotClient(request, settings, stats), page)
    return {
      choices: values
        .filter((list) => !list.isDynamic)
        .map((list) => ({ label: list.name, value: String(list.id), description: `Static list, id ${list.id}` })),
      ...(nextPage ? { nextPage } : {})
    }
  })
}

/** Every custom field as the `<fieldId>__c` key Other Fields takes, with its name and type. */
export function customFieldKeys(request: RequestClient, settings: Settings, stats?: StatsContext) {
  return choicesOrError(async () => {
    const fields = await customFields(new PardotClient(request, settings, stats))
    return {
      choices: fields.map((field) => ({
        label: `${field.name} (${field.fieldId}__c, ${field.type})`,
        value: `${field.fieldId}__c`,
        description: `${field.type} custom field`,
        type: /^number$/i.test(field.type) ? ('number' as const) : ('string' as const)
      }))
    }
  })
}

async function choicesOrError(read: () => Promise<DynamicFieldResponse>): Promise<DynamicFieldResponse> {
  try {
    return await read()
  } catch (error) {
    const { message, code, status } = error as { message?: unknown; code?: unknown; status?: unknown }
    const text = typeof message === 'string' ? message : String(error)
    return {
      choices: [],
      error: {
        message: error instanceof RetryableError ? forDropdown(text) : text,
        code: typeof code === 'string' ? code : typeof status === 'number' ? String(status) : 'UNKNOWN'
      }
    }
  }
}

/**
 * A passing failure's message speaks of an event that "will be retried"; a dropdown has no event and nothing
 * retries it. Those clauses are dropped and the user is told to try again.
 */
function forDropdown(message: string): string {
  const clauses = message.split(/(?<=[.;])\s+/)
  const kept: string[] = []
  let capitalise = false
  for (const clause of clauses) {
    if (/\bwill be retried\b/i.test(clause)) {
      capitalise = true
      continue
    }
    const text = capitalise ? clause.charAt(0).toUpperCase() + clause.slice(1) : clause
    kept.push(text.replace(/;$/, '.'))
    capitalise = false
  }
  const again = /\blimit resets\b/.test(message) ? 'Try again once the limit resets.' : 'Try again in a moment.'
  return [...kept, again].join(' ')
}
