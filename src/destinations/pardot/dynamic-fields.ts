import type { DynamicFieldResponse, RequestClient } from '@segment/actions-core'
import type { Settings } from './generated-types'
import { PardotClient } from './pardot-client'

/**
 * The mapping UI's dropdowns, read from the account itself. A failure (expired token, wrong business
 * unit, Pardot down) is shown as the dropdown's error with the same message an event would get,
 * never thrown: a thrown error would leave the UI with an empty list and no reason.
 */

/** Static lists only: dynamic lists are filled by their criteria, the API cannot change them. One page per call. */
export function staticListChoices(request: RequestClient, settings: Settings, page?: string) {
  return choicesOrError(async () => {
    const { values, nextPageToken } = await new PardotClient(request, settings).listsPage(page)
    return {
      choices: values
        .filter((list) => !list.isDynamic)
        .map((list) => ({ label: list.name, value: String(list.id), description: `Static list, id ${list.id}` })),
      ...(nextPageToken ? { nextPage: nextPageToken } : {})
    }
  })
}

/** Every custom field as the `<fieldId>__c` key Other Fields takes, with its name and type. */
export function customFieldKeys(request: RequestClient, settings: Settings) {
  return choicesOrError(async () => {
    const fields = await new PardotClient(request, settings).customFields()
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
    return {
      choices: [],
      error: {
        message: typeof message === 'string' ? message : String(error),
        code: typeof code === 'string' ? code : typeof status === 'number' ? String(status) : 'UNKNOWN'
      }
    }
  }
}
