import { PardotFault, type RequestInfo, type Router } from './http'
import type { SandboxState } from './state'

const REQUIRED = ['extension', 'type', 'value', 'email'] as const

/**
 * `POST /api/v5/external-activities` against the registered Marketing App Extensions. Pardot documents no
 * codes for an unusable extension or activity type; 228 and 229 are the destination's reading (errors.ts).
 */
export function externalActivityRoutes(
  router: Router,
  state: SandboxState,
  businessUnit: (r: RequestInfo) => string
): void {
  router.add('POST', '/api/v5/external-activities', (r) => {
    const body = r.json()
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new PardotFault(150, 'The request body must be a JSON object')
    }
    const fields = body as Record<string, unknown>
    for (const name of REQUIRED) {
      if (typeof fields[name] !== 'string' || fields[name] === '') throw new PardotFault(150, `${name} is required`)
    }
    const { extension, type, value, email } = fields as Record<(typeof REQUIRED)[number], string>
    const bu = businessUnit(r)
    const found = state.extensions.get(extension)
    if (!found || found.businessUnitId !== bu) {
      throw new PardotFault(
        228,
        `Invalid extension: ${extension} is not a Marketing App Extension of this business unit`
      )
    }
    if (!found.isActive) throw new PardotFault(228, `Extension ${extension} is not active`)
    if (!(type in found.activityTypes)) {
      throw new PardotFault(229, `Invalid type: ${type} is not an activity type of extension ${extension}`)
    }
    if (!found.activityTypes[type]) throw new PardotFault(229, `Activity type ${type} is not active`)
    const prospect = [...state.prospects.values()]
      .filter((p) => p.businessUnitId === bu && !p.isDeleted && p.fields.email === email)
      .sort((a, b) => b.lastActivity - a.lastActivity)[0]
    if (!prospect) throw new PardotFault(4, 'Invalid prospect email address')
    state.touch(prospect)
    const activity = state.addExternalActivity({
      businessUnitId: bu,
      prospectId: prospect.id,
      extension,
      type,
      value,
      email
    })
    return { status: 201, body: activity }
  })
}
