import { type SandboxRouter } from './http'
import { page, pick, requiredFields } from './objects'
import type { SandboxState } from './state'

const CUSTOM_FIELDS = '/api/v5/objects/custom-fields'

export interface CustomFieldDef {
  id: number
  name: string
  fieldId: string
  type: 'Text' | 'Number' | 'Date' | 'Multi-Select' | 'Checkbox' | 'Dropdown'
  isRequired: boolean
}

/** The custom field catalogue: the same fields in every business unit. */
export const SEED_CUSTOM_FIELDS: CustomFieldDef[] = [
  { id: 1, name: 'Plan', fieldId: 'Plan', type: 'Text', isRequired: false },
  { id: 2, name: 'Seats', fieldId: 'Seats', type: 'Number', isRequired: false },
  { id: 3, name: 'Birthday', fieldId: 'Birthday', type: 'Date', isRequired: false },
  { id: 4, name: 'Interests', fieldId: 'Interests', type: 'Multi-Select', isRequired: false }
]

export function customFieldRoutes(router: SandboxRouter, state: SandboxState): void {
  router.add('GET', CUSTOM_FIELDS, (r) => {
    const fields = requiredFields(r)
    return page(r, CUSTOM_FIELDS, state.customFields, (f) => pick({ ...f }, fields))
  })
}
