import { PardotFault, type RequestInfo, type Router } from './http'
import type { SandboxState } from './state'

const REQUIRED = ['extension', 'type', 'value', 'email'] as const

const MAX_VALUE = 100
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i

/**
 * `POST /api/v5/external-activities` against the registered Marketing App Extensions. `value` is at most 100
 * characters and `activityDate` (optional) ISO-8601 with an offset, as documented. Pardot documents no code for an
 * unusable extension or activity type, nor for those two values: the sandbox answers them with the registry's 154
 * ("Invalid property in request") and a message naming what is wrong (docs/pardot-api.md, "External activities").
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
      if (typeof fields[name] !== 'string' || fields[name] === '') throw new PardotFault(153, `${name} is required`)
    }
    const { extension, type, value, email } = fields as Record<(typeof REQUIRED)[number], string>
    if ([...value].length > MAX_VALUE) throw new PardotFault(154, `value must be ${MAX_VALUE} characters or less`)
    const activityDate = fields.activityDate
    if (
      activityDate !== undefined &&
      (typeof activityDate !== 'string' ||
        !ISO_WITH_OFFSET.test(activityDate) ||
        Number.isNaN(Date.parse(activityDate)))
    ) {
      throw new PardotFault(154, 'activityDate must be an ISO 8601 date-time with an offset')
    }
    const bu = businessUnit(r)
    const found = state.extensions.get(extension)
    if (!found || found.businessUnitId !== bu) {
      throw new PardotFault(
        154,
        `Invalid extension: ${extension} is not a Marketing App Extension of this business unit`
      )
    }
    if (!found.isActive) throw new PardotFault(154, `Extension ${extension} is not active`)
    if (!(type in found.activityTypes)) {
      throw new PardotFault(154, `Invalid type: ${type} is not an activity type of extension ${extension}`)
    }
    if (!found.activityTypes[type]) throw new PardotFault(154, `Activity type ${type} is not active`)
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
      email,
      ...(typeof activityDate === 'string' ? { activityDate } : {})
    })
    return { status: 201, body: activity }
  })
}
