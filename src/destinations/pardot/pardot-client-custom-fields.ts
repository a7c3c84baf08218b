/** Pardot API v5 custom fields: the business unit's catalogue. */
import type { PardotClient } from './pardot-client'
import { queryAll } from './pardot-client-paging'
import { PARDOT_API_PREFIX } from './versioning-info'

export const CUSTOM_FIELDS_PATH = `${PARDOT_API_PREFIX}/objects/custom-fields`

export interface CustomField {
  id: number
  name: string
  /** The API name without `__c`: the prospect property is `<fieldId>__c`. */
  fieldId: string
  /** As Pardot lists it: `Text`, `Number`, `Date`, `Multi-Select`, `Checkbox`, `Dropdown`, … */
  type: string
}

export function customFields(client: PardotClient): Promise<CustomField[]> {
  return queryAll<CustomField>(client, CUSTOM_FIELDS_PATH, { fields: 'id,name,fieldId,type' })
}
