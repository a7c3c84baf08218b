import { PayloadValidationError, type ExecuteInput } from '@segment/actions-core'
import { parseListId } from '../pardot-client-lists'
import type { Payload } from './generated-types'

/** add, update, upsert, delete or mirror (actions-core's root exports the values' type only through ExecuteInput). */
type SyncMode = NonNullable<ExecuteInput<unknown, unknown>['syncMode']>

/** `none`: the sync mode leaves this event's change out (an exit when only adding, an entry when only removing). */
export type ListOperation = 'add' | 'remove' | 'none'

/** What the engine tells an audience action: the sync mode chosen on the mapping, and the membership it read. */
export interface AudienceSync {
  syncMode?: SyncMode
  /** true: entered (or a new/updated row); false: exited (or a deleted row); undefined: the engine read none. */
  membership?: boolean
}

/**
 * Operation when set (mappings made before sync modes keep working); else the mapping's sync mode: add only adds
 * and delete only removes (the other change is left out), mirror follows the membership; else the audience
 * membership the event carries in its traits or properties (true: entered, false: exited).
 *
 * The membership is the engine's, else the event's own audience trait. Delete mode removes only on a membership
 * that says the person left: a plain event (not from an audience, no row change) must not take anyone off a list,
 * so it is left out like an entry. Add mode still adds on one, as Operation "add" would: adding loses nothing.
 */
export function operationFor(payload: Payload, sync: AudienceSync = {}): ListOperation {
  if (payload.operation === 'add' || payload.operation === 'remove') return payload.operation
  const member = sync.membership ?? memberInEvent(payload)
  if (sync.syncMode === 'add') return member === false ? 'none' : 'add'
  if (sync.syncMode === 'delete') return member === false ? 'remove' : 'none'
  if (typeof member === 'boolean') return member ? 'add' : 'remove'
  const key = payload.computation_key
  if (!key) {
    throw new PayloadValidationError(
      'Operation is not set and the event does not come from a Segment audience (it has no context.personas.computation_key), so nothing says whether to add the prospect to the list or remove it. Set Operation to "add" or "remove".'
    )
  }
  const value = payload.traits_or_props?.[key]
  throw new PayloadValidationError(
    `Operation is not set and the event comes from the audience "${key}", but its traits or properties ${
      value === undefined ? `have no "${key}"` : `hold "${key}" as something other than true or false`
    }: true (entered) adds the prospect, false (exited) removes it. Check Traits or Properties, or set Operation.`
  )
}

/** The audience membership in the event's traits or properties, when it comes from an audience and says. */
function memberInEvent(payload: Payload): boolean | undefined {
  const value = payload.computation_key ? payload.traits_or_props?.[payload.computation_key] : undefined
  return typeof value === 'boolean' ? value : undefined
}

/**
 * The list mapped, else the audience's own list: the id `createAudience` answered, which the platform puts on each
 * event of the audience. A Pardot list id is a positive whole number; the List dropdown gives it as text.
 */
export function listIdOf(payload: Pick<Payload, 'listId' | 'external_audience_id'>): number {
  const value = payload.listId?.trim() ? payload.listId : payload.external_audience_id
  if (value === undefined || value.trim() === '') {
    throw new PayloadValidationError(
      'No list: List is not mapped and the event does not come from a Segment audience connected to this destination (it has no context.personas.external_audience_id). Choose a List, or connect the audience so its list is created.'
    )
  }
  const id = parseListId(value)
  if (id === undefined) {
    throw new PayloadValidationError(
      `List must be the id of a Pardot list (a whole number, as the List dropdown gives it), not "${value}".`
    )
  }
  return id
}
