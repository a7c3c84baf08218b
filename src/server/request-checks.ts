import type { ActionDefinition, JSONObject, SegmentEvent } from '@segment/actions-core'
import { SANDBOX_DEFAULTS } from '../sandbox'
import { isRecord } from '../destinations/pardot/guards'
import { RequestError } from './body'

export type Action = ActionDefinition<unknown, unknown>

/** The path the routes see: without trailing slashes. */
export function routePath(pathname: string): string {
  return pathname.replace(/\/+$/, '') || '/'
}

/**
 * The settings a caller sent, checked; with the sandbox, they may be left out. Subscriptions and tokens come from
 * this server, never from a caller's settings.
 */
export function settingsFrom(settings: unknown, hasSandbox: boolean): JSONObject {
  if (settings === undefined) {
    if (!hasSandbox) throw new RequestError(400, 'The target is real Pardot: send "settings" with businessUnitID.')
    return { businessUnitID: SANDBOX_DEFAULTS.businessUnitId }
  }
  if (!isRecord(settings)) throw new RequestError(400, '"settings" must be an object, e.g. {"businessUnitID": "0Uv…"}.')
  const { subscription, subscriptions, oauth, ...rest } = settings
  // A toggle picks the hosts; text such as "false" or a URL would quietly pick the sandbox ones.
  for (const toggle of ['isSandbox', 'isDeveloperOrg']) {
    if (rest[toggle] !== undefined && typeof rest[toggle] !== 'boolean')
      throw new RequestError(400, `"settings.${toggle}" must be true or false.`)
  }
  // The destination refuses it too (not 18 letters and digits); here the caller hears what is really wrong.
  const id = rest.businessUnitID
  if (typeof id === 'string' && /\p{Cc}/u.test(id.trim())) {
    throw new RequestError(
      400,
      `"settings.businessUnitID" ${JSON.stringify(id)} holds a line break or another control character; send the 18-character ID alone.`
    )
  }
  return rest as JSONObject
}

/** Checks that `name` is `field` or `field.__keys__`/`field.__values__` (an object field's) of the action's own dropdowns. */
export function checkDropdown(action: Action, slug: string, name: string): void {
  const [field, part] = name.split('.', 2)
  if (!Object.hasOwn(action.dynamicFields ?? {}, field) || ![undefined, '__keys__', '__values__'].includes(part)) {
    const fields = Object.keys(action.dynamicFields ?? {})
    throw new RequestError(404, `No dropdown "${name}" on /${slug}. Dropdowns: ${fields.join(', ') || 'none'}.`)
  }
}

/** What a delivery's body holds, checked: one event or a non-empty array of them, and an optional mapping. */
export interface DeliveryRequest {
  payload: SegmentEvent | SegmentEvent[]
  mapping?: JSONObject
}

export function deliveryRequest(body: Record<string, unknown>): DeliveryRequest {
  const payload = body.payload
  if (!(isRecord(payload) || (Array.isArray(payload) && payload.length > 0 && payload.every(isRecord)))) {
    throw new RequestError(400, '"payload" must be a Segment event object or a non-empty array of them.')
  }
  if (body.mapping !== undefined && !isRecord(body.mapping)) throw new RequestError(400, '"mapping" must be an object.')
  return {
    payload: payload as unknown as SegmentEvent | SegmentEvent[],
    mapping: body.mapping as JSONObject | undefined
  }
}
