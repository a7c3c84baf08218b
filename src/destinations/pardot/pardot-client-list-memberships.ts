/** Pardot API v5 list memberships: a prospect's membership of a list, added or removed. */
import type { PardotClient } from './pardot-client'
import { queryAll } from './pardot-client-paging'
import { PARDOT_API_PREFIX } from './versioning-info'

export const LIST_MEMBERSHIPS_PATH = `${PARDOT_API_PREFIX}/objects/list-memberships`

export interface ListMembership {
  id: number
  listId: number
  prospectId: number
}

export interface ListMembershipBody {
  listId: number
  prospectId: number
  optedOut?: boolean
}

export function listMemberships(client: PardotClient, listId: number, prospectId: number): Promise<ListMembership[]> {
  return queryAll<ListMembership>(client, LIST_MEMBERSHIPS_PATH, {
    fields: 'id,listId,prospectId',
    listId: String(listId),
    prospectId: String(prospectId)
  })
}

/** Pardot's "already on that list" (code 58) is the outcome we wanted, not a failure. */
export async function addListMembership(
  client: PardotClient,
  body: ListMembershipBody
): Promise<'added' | 'already-member'> {
  const response = await client.sendUnless('success', 'POST', LIST_MEMBERSHIPS_PATH, {
    json: body,
    searchParams: { fields: 'id' }
  })
  return response ? 'added' : 'already-member'
}

/** A membership that is already gone (removed meanwhile) is the outcome we wanted. */
export async function removeListMembership(client: PardotClient, id: number): Promise<'removed' | 'absent'> {
  const response = await client.sendUnless('not-found', 'DELETE', `${LIST_MEMBERSHIPS_PATH}/${id}`, {})
  return response ? 'removed' : 'absent'
}
