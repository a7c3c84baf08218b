import type { Router } from './http'
import { page, pick, requiredFields } from './objects'
import type { SandboxState } from './state'

const CUSTOM_FIELDS = '/api/v5/objects/custom-fields'

/** The custom field catalogue (the same seed fields in every business unit). */
export function customFieldRoutes(router: Router, state: SandboxState): void {
  router.add('GET', CUSTOM_FIELDS, (r) => {
    const fields = requiredFields(r)
    return page(r, CUSTOM_FIELDS, state.customFields, (f) => pick({ ...f }, fields))
  })
}
