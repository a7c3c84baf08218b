import { IntegrationError } from '@segment/actions-core'
import type { PardotClient } from '../pardot-client'
import { customFields } from '../pardot-client-custom-fields'
import { ReadCache } from '../read-cache'
import { UNKNOWN_CUSTOM_FIELD_TYPE } from './custom-values'

/** `<fieldId>__c` → the custom field's type as Pardot lists it (`Number`, `Date`, `Multi-Select`, …). */
export type CustomFieldTypes = ReadonlyMap<string, string>

export const CATALOGUE_TTL_MS = 10 * 60 * 1000

const catalogues = new ReadCache<CustomFieldTypes>(CATALOGUE_TTL_MS)

/**
 * The catalogue when it may not be read: every `__c` key's type is unknown, so its value goes as mapped, and a
 * list of choices is joined with ";" (the form a multi-select takes) instead of being refused as "a list".
 */
class UnreadCatalogue extends Map<string, string> {
  override get(name: string): string | undefined {
    return name.endsWith('__c') ? UNKNOWN_CUSTOM_FIELD_TYPE : undefined
  }

  override has(name: string): boolean {
    return name.endsWith('__c')
  }
}

/**
 * The custom field types of the client's business unit, read at most once per business unit every
 * 10 minutes per process. Only asked for when a value's formatting depends on its type (see
 * `needsCustomFieldTypes`), so mappings without such values never pay for it.
 *
 * The catalogue is an aid to formatting, so a failed read is handled by what it says:
 * - an invalid token or a Pardot limit or outage is thrown (401 refresh, retry): the write would
 *   meet it too, and a value must not be judged without the catalogue meanwhile;
 * - a final refusal (the user may not read custom fields) means unknown types, remembered for the TTL: values go
 *   as mapped, a list of choices joined with ";";
 * - no answer at all is retryable too: judging a list without the catalogue would refuse, and so drop, an event
 *   over a passing network fault.
 */
export async function customFieldTypes(client: PardotClient): Promise<CustomFieldTypes> {
  const key = `${client.context.apiHost} ${client.context.businessUnitId}`
  return catalogues.get(
    key,
    async () => {
      try {
        const fields = await customFields(client)
        return new Map(fields.map((field) => [`${field.fieldId}__c`, field.type]))
      } catch (error) {
        if (error instanceof IntegrationError) return new UnreadCatalogue()
        throw error
      }
    },
    (hit) => client.metrics.cache('custom-fields', hit)
  )
}
