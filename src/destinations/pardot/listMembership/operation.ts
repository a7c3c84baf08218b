import { PayloadValidationError } from '@segment/actions-core'
import type { Payload } from './generated-types'

export type Operation = 'add' | 'remove'

/** Operation when set; else the audience membership the event carries (true: entered, false: exited). */
export function operationFor(payload: Payload): Operation {
  if (payload.operation === 'add' || payload.operation === 'remove') return payload.operation
  const key = payload.computation_key
  if (!key) {
    throw new PayloadValidationError(
      'Operation is not set and the event does not come from a Segment audience (it has no context.personas.computation_key), so nothing says whether to add the prospect to the list or remove it. Set Operation to "add" or "remove".'
    )
  }
  const member = payload.traits_or_props?.[key]
  if (member === true) return 'add'
  if (member === false) return 'remove'
  throw new PayloadValidationError(
    `Operation is not set and the event comes from the audience "${key}", but its traits or properties ${
      member === undefined ? `have no "${key}"` : `hold "${key}" as something other than true or false`
    }: true (entered) adds the prospect, false (exited) removes it. Check Traits or Properties, or set Operation.`
  )
}

/** A Pardot list id is a positive whole number; the List dropdown gives it as text. */
export function listIdOf(value: string): number {
  const text = value.trim()
  const id = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id === 0) {
    throw new PayloadValidationError(
      `List must be the id of a Pardot list (a whole number, as the List dropdown gives it), not "${value}".`
    )
  }
  return id
}
