import { PardotFault, type RequestInfo, type SandboxRouter } from './http'
import type { SandboxState } from './state'

const REQUIRED = ['extension', 'type', 'value', 'email'] as const

const MAX_VALUE = 100

/**
 * The documented form of `activityDate`, the docs' example being `2021-01-01T11:08:00+00:00`: whole seconds and a
 * numeric offset. Whether Pardot also takes `Z` or fractional seconds is unconfirmed (docs/pardot-api.md), so the
 * sandbox takes only what is documented: a client sending anything else fails here before it fails in Pardot.
 */
function isDocumentedDate(text: string): boolean {
  const match = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)[+-](\d\d):(\d\d)$/.exec(text)
  if (!match) return false
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = match.slice(1).map(Number)
  // A real calendar day: the UTC date built from the parts must give the same parts back (no 30 February).
  const date = new Date(Date.UTC(year, month - 1, day))
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetHours < 24 &&
    offsetMinutes < 60
  )
}

/**
 * `POST /api/v5/external-activities` against the registered Marketing App Extensions. `value` is at most 100
 * characters and `activityDate` (optional) ISO-8601 with an offset, as documented. Pardot documents no code for an
 * unusable extension or activity type, nor for those two values: the sandbox answers them with the registry's 154
 * ("Invalid property in request") and a message naming what is wrong (docs/pardot-api.md, "External activities").
 */
export function externalActivityRoutes(
  router: SandboxRouter,
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
    if (activityDate !== undefined && (typeof activityDate !== 'string' || !isDocumentedDate(activityDate))) {
      throw new PardotFault(154, 'activityDate must be an ISO 8601 date-time with an offset')
    }
    const bu = businessUnit(r)
    const found = state.externalActivities.extensions.get(extension)
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
    state.prospects.touch(prospect)
    const activity = state.externalActivities.add({
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
